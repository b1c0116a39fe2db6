// The installed libjpeg-turbo (2.1.5, libjpeg62-turbo), wrapped for Swift as the reference codec.
// Plain C types only: jpeglib.h stays inside clibjpeg.c, and so does every setjmp/longjmp.
//
// Status codes of the fallible calls: 0 = success; > 0 = libjpeg's message code (jerror.h,
// e.g. JERR_NO_SOI = 53 in 2.1.5), < 0 = a limit of this wrapper (FX_ERR_*). On failure `message`
// holds the text (libjpeg's format_message) and nothing is left allocated.
// libjpeg warnings (recoverable corrupt data, e.g. "Premature end of JPEG file") count as failures.
#ifndef CLIBJPEG_H
#define CLIBJPEG_H

#include <stddef.h>

#define FX_MESSAGE_LENGTH 200   // libjpeg's JMSG_LENGTH_MAX
#define FX_MAX_COMPONENTS 10    // libjpeg's MAX_COMPONENTS
#define FX_MAX_OUTPUT_BYTES ((size_t)1 << 30)  // cap on any buffer this wrapper or libjpeg allocates

#define FX_ERR_TOO_LARGE (-1)   // the result would exceed FX_MAX_OUTPUT_BYTES
#define FX_ERR_ARGUMENT (-2)    // a bad argument (components, chroma, table count)
#define FX_ERR_LIBJPEG (-3)     // libjpeg failed without a message code

enum fx_chroma { FX_CHROMA_444 = 0, FX_CHROMA_422 = 1, FX_CHROMA_420 = 2 };

// MARK: kernels (libjpeg's exported C kernels, never the SIMD ones)

// jpeg_fdct_islow in place on one block: in = sample - 128 (row-major), out = 8 x orthonormal DCT.
void fx_fdct_islow_block(short block[64]);
// The same on `n` consecutive blocks (64 values each).
void fx_fdct_islow_blocks(short *blocks, int n);

// jpeg_idct_islow on one block: coefs (row-major, quantized) times quant (row-major, 0...32767),
// out = 64 samples, row-major.
void fx_idct_islow_block(const short coefs[64], const unsigned short quant[64], unsigned char out[64]);
// The same on `n` consecutive blocks, one quantization table for all.
void fx_idct_islow_blocks(const short *coefs, const unsigned short *quant, unsigned char *out, int n);

// The 1024 entries the IDCT reads as range_limit[v & 1023] (sample_range_limit + 128).
const unsigned char *fx_idct_range_limit(void);

// MARK: codec

// Compresses 8-bit grey (components 1) or interleaved RGB (components 3) to a baseline JPEG:
// jpeg_set_defaults, jpeg_set_quality(quality, TRUE), JDCT_ISLOW, luma sampling from `chroma`
// (ignored for grey). `tables` is NULL or `table_count` (1 or 2) tables of 64 values, natural order,
// added with jpeg_add_quant_table(scale 100, force_baseline TRUE): entries clamp to 1...255.
// On success *jpeg (free with fx_free) holds *jpeg_size bytes.
int fx_encode(const unsigned char *samples, int width, int height, int components, int quality,
              int chroma, const unsigned short *tables, int table_count,
              unsigned char **jpeg, size_t *jpeg_size, char message[FX_MESSAGE_LENGTH]);

// What cjpeg's -optimize, -restart and -progressive change; all zero = fx_encode's file.
typedef struct fx_encode_options {
    int optimize_coding;   // 1: two passes, Huffman tables built from the image's statistics
    int restart_interval;  // restart every this many MCUs (1...65535); 0 = none
    int restart_in_rows;   // restart every this many MCU rows (1...65535); overrides restart_interval
    int progressive;       // 1: jpeg_simple_progression's scan script (SOF2)
    int keep_wide_tables;  // 1: explicit tables clamp to 1...32767 (16-bit DQT, SOF1) instead of 1...255
} fx_encode_options;

// fx_encode with options (NULL = all zero).
int fx_encode_with_options(const unsigned char *samples, int width, int height, int components, int quality,
                           int chroma, const unsigned short *tables, int table_count,
                           const fx_encode_options *options,
                           unsigned char **jpeg, size_t *jpeg_size, char message[FX_MESSAGE_LENGTH]);

// Writes quantized coefficients with jpeg_write_coefficients (libjpeg's transcoding path, as
// jpegtran): `components` 1 (grey) or 3 (YCbCr, luma sampling from `chroma`), ids and table slots
// as fx_encode. Per component its real blocks, ceil(w / 8) x ceil(h / 8) of its downsampled size
// w x h, in raster order, 64 values each in natural order, one component after another in
// `coefficients` (`coefficient_count` values in all). `tables`: `table_count` (1 or 2) tables of
// 64 values, natural order, 1...32767 (slot 0 luma, slot 1 chroma). `options`: optimize_coding
// and the restart fields count; the others are ignored.
int fx_write_coefficients(int width, int height, int components, int chroma,
                          const short *coefficients, size_t coefficient_count,
                          const unsigned short *tables, int table_count, const fx_encode_options *options,
                          unsigned char **jpeg, size_t *jpeg_size, char message[FX_MESSAGE_LENGTH]);

// One component as jpeg_read_coefficients stores it.
typedef struct fx_component {
    int width_in_blocks;        // real blocks: ceil(width / 8)
    int height_in_blocks;       // real blocks: ceil(height / 8)
    int width, height;          // downsampled size: ceil(image size * samp / max samp)
    int h_samp, v_samp;         // sampling factors
    unsigned short quant[64];   // the table the component was decoded with, natural order
    size_t offset;              // index of its first coefficient in the shared array
} fx_component;

// jpeg_read_coefficients + access_virt_barray. Fills components[0 ..< *count] and *coefficients
// (free with fx_free): per component, the real blocks only, raster order, 64 quantized values per
// block in natural order. The MCU padding blocks ("dummy blocks") that libjpeg's arrays also hold
// are left out.
int fx_read_coefficients(const unsigned char *jpeg, size_t size,
                         fx_component components[FX_MAX_COMPONENTS], int *count,
                         short **coefficients, char message[FX_MESSAGE_LENGTH]);

// Decodes to 8-bit RGB (3 components) or grey (1 component, for a grey JPEG) with JDCT_ISLOW and
// do_fancy_upsampling = fancy. On success *samples (free with fx_free) holds width*height*components
// bytes, row-major, interleaved.
int fx_decode(const unsigned char *jpeg, size_t size, int fancy,
              int *width, int *height, int *components,
              unsigned char **samples, char message[FX_MESSAGE_LENGTH]);

// Frees what fx_encode, fx_read_coefficients and fx_decode returned.
void fx_free(void *pointer);

#endif
