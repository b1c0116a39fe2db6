/*
 * cpngshim.h: PNG reading and writing through libpng, with every setjmp/longjmp kept in C.
 *
 * libpng reports an error by calling the error handler and then longjmp-ing back to the last
 * setjmp.  Each function below sets its own jump point, so a libpng error unwinds only C frames
 * and comes back to the caller (Swift) as an fx_png_code and libpng's message text.
 */
#ifndef CPNGSHIM_H
#define CPNGSHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    FX_PNG_OK = 0,
    FX_PNG_CANNOT_READ,   /* fopen or fread failed: message is strerror(errno) */
    FX_PNG_EMPTY,         /* the file has no bytes */
    FX_PNG_NOT_PNG,       /* the first 8 bytes are not the PNG signature */
    FX_PNG_TRUNCATED,     /* the file ends before libpng has read what it needs */
    FX_PNG_TOO_LARGE,     /* width x height is over the caller's pixel limit */
    FX_PNG_MALFORMED,     /* libpng refused the data (bad CRC, bad IHDR, bad zlib stream ...) */
    FX_PNG_OUT_OF_MEMORY,
    FX_PNG_WRITE_FAILED,  /* writing, flushing or closing the output failed */
    FX_PNG_BAD_ARGUMENT   /* the caller's buffer or image shape does not fit */
} fx_png_code;

typedef struct {
    fx_png_code code;
    char message[256];    /* NUL-terminated; empty when code == FX_PNG_OK */
} fx_png_status;

/* What fx_png_open has learned from the header, and the layout fx_png_read_pixels will produce. */
typedef struct {
    uint32_t width;
    uint32_t height;
    int bit_depth;        /* as stored: 1, 2, 4, 8 or 16 */
    int color_type;       /* as stored: PNG_COLOR_TYPE_* */
    int interlaced;       /* 1 for Adam7 */
    int has_trns;         /* a tRNS chunk is present (it becomes an alpha channel) */
    int channels;         /* samples per pixel delivered: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA */
} fx_png_info;

typedef struct fx_png_reader fx_png_reader;

/*
 * Opens `path`, checks the signature, reads the chunks up to the first IDAT and sets the
 * transformations: palette -> RGB, 1/2/4-bit grey -> 8 bits (v * 255 / (2^n - 1)),
 * tRNS -> alpha channel, 16 -> 8 bits by libpng's png_set_scale_16 (round(v * 255 / 65535)).
 * Refuses an image with width * height > max_pixels before any image memory is allocated; libpng's
 * own user limits are set to the same bound.  Returns NULL (and fills *status) on failure.
 */
fx_png_reader *fx_png_open(const char *path, uint64_t max_pixels, fx_png_info *info,
                           fx_png_status *status);

/* Decodes all rows into out (width * height * channels bytes, rows top to bottom).  Returns the code. */
fx_png_code fx_png_read_pixels(fx_png_reader *reader, uint8_t *out, size_t out_size,
                               fx_png_status *status);

/* What libpng warned about while opening and reading (e.g. "iCCP: CRC error"; "; " between them),
 * empty when nothing.  Valid until fx_png_close. */
const char *fx_png_warnings(const fx_png_reader *reader);

/* Frees the reader and closes its file.  NULL is allowed. */
void fx_png_close(fx_png_reader *reader);

/*
 * Writes an 8-bit grey (channels 1) or RGB (channels 3) PNG to the open file descriptor fd, then
 * flushes, syncs and closes it (fd is always closed, also on failure).  Returns the code.
 */
fx_png_code fx_png_write_fd(int fd, const uint8_t *samples, uint32_t width, uint32_t height,
                            int channels, fx_png_status *status);

#ifdef __cplusplus
}
#endif

#endif
