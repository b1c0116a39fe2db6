#include "clibjpeg.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

// MARK: kernels

// Exported by libjpeg-turbo but not declared in its public headers. In this SIMD build
// DCTELEM and ISLOW_MULT_TYPE are short; JCOEF is short.
extern void jpeg_fdct_islow(short *data);
extern void jpeg_idct_islow(j_decompress_ptr cinfo, jpeg_component_info *compptr,
                            JCOEFPTR coef_block, JSAMPARRAY output_buf, JDIMENSION output_col);

void fx_fdct_islow_block(short block[64]) { jpeg_fdct_islow(block); }

void fx_fdct_islow_blocks(short *blocks, int n) {
    for (int b = 0; b < n; b++) jpeg_fdct_islow(blocks + 64 * b);
}

// sample_range_limit as libjpeg's decompressor lays it out: 256 + 1152 bytes, the pointer at +256.
// limit[-256 ..< 0] = 0, limit[0 ..< 128] = x; the IDCT reads limit[128 + (v & 1023)] = T[v & 1023].
enum { LIMIT_BELOW = 256, LIMIT_TABLE = 256 + 128 + 1024 };
static unsigned char range_table[LIMIT_TABLE];
static struct jpeg_decompress_struct idct_cinfo;  // only sample_range_limit is read
static pthread_once_t range_once = PTHREAD_ONCE_INIT;

// T[i] for i = v & 1023: clamp(v + 128, 0, 255) for v in -512...511, wrapping mod 1024 outside.
static unsigned char wrapped_limit(int i) {
    if (i < 128) return (unsigned char)(i + 128);  // v in 0...127
    if (i < 512) return 255;                        // v in 128...511
    if (i < 896) return 0;                          // v in -512...-129
    return (unsigned char)(i - 896);                // v in -128...-1
}

static void build_range_table(void) {
    unsigned char *limit = range_table + LIMIT_BELOW;
    memset(range_table, 0, LIMIT_BELOW);                       // x < 0 -> 0
    for (int x = 0; x < 128; x++) limit[x] = (unsigned char)x; // simple table, lower half
    for (int i = 0; i < 1024; i++) limit[128 + i] = wrapped_limit(i);
    idct_cinfo.sample_range_limit = limit;
}

const unsigned char *fx_idct_range_limit(void) {
    pthread_once(&range_once, build_range_table);
    return range_table + LIMIT_BELOW + 128;
}

void fx_idct_islow_blocks(const short *coefs, const unsigned short *quant, unsigned char *out, int n) {
    pthread_once(&range_once, build_range_table);
    short table[64];  // ISLOW_MULT_TYPE: q in 0...32767
    for (int i = 0; i < 64; i++) table[i] = (short)quant[i];
    jpeg_component_info component;
    memset(&component, 0, sizeof component);
    component.dct_table = table;
    for (int b = 0; b < n; b++) {
        JSAMPROW rows[8];
        for (int r = 0; r < 8; r++) rows[r] = out + 64 * b + 8 * r;
        jpeg_idct_islow(&idct_cinfo, &component, (JCOEFPTR)(coefs + 64 * b), rows, 0);
    }
}

void fx_idct_islow_block(const short coefs[64], const unsigned short quant[64], unsigned char out[64]) {
    fx_idct_islow_blocks(coefs, quant, out, 1);
}

// MARK: errors

// error_exit longjmps back to the guarded call; warnings (msg_level -1) are fatal too.
typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
} fx_error;

_Noreturn static void fx_error_exit(j_common_ptr cinfo) {
    fx_error *error = (fx_error *)cinfo->err;
    longjmp(error->jump, 1);
}

static void fx_emit_message(j_common_ptr cinfo, int level) {
    if (level < 0) fx_error_exit(cinfo);  // trace messages (level >= 0) are dropped
}

static struct jpeg_error_mgr *fx_error_init(fx_error *error) {
    struct jpeg_error_mgr *pub = jpeg_std_error(&error->pub);
    pub->error_exit = fx_error_exit;
    pub->emit_message = fx_emit_message;
    return pub;
}

// A failed call's status and text: libjpeg's code and format_message.
static int fx_failure(j_common_ptr cinfo, char message[FX_MESSAGE_LENGTH]) {
    int code = cinfo->err->msg_code;
    (*cinfo->err->format_message)(cinfo, message);
    return code > 0 ? code : FX_ERR_LIBJPEG;
}

static int fx_own_failure(int code, const char *text, char message[FX_MESSAGE_LENGTH]) {
    snprintf(message, FX_MESSAGE_LENGTH, "%s", text);
    return code;
}

void fx_free(void *pointer) { free(pointer); }

// MARK: encoder

// A growing output buffer the caller owns on every path (jpeg_mem_dest cannot say, after an
// error, which of its buffers is still live).
typedef struct {
    struct jpeg_destination_mgr pub;
    unsigned char *buffer;
    size_t capacity, length;
} fx_destination;

static void destination_init(j_compress_ptr cinfo) {
    fx_destination *dest = (fx_destination *)cinfo->dest;
    dest->capacity = 1 << 16;
    dest->buffer = malloc(dest->capacity);
    if (dest->buffer == NULL) ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 0);
    dest->pub.next_output_byte = dest->buffer;
    dest->pub.free_in_buffer = dest->capacity;
}

// Called with the buffer full: double it.
static boolean destination_grow(j_compress_ptr cinfo) {
    fx_destination *dest = (fx_destination *)cinfo->dest;
    size_t used = dest->capacity;
    if (used * 2 > FX_MAX_OUTPUT_BYTES) ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 1);
    unsigned char *larger = realloc(dest->buffer, used * 2);
    if (larger == NULL) ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 2);
    dest->buffer = larger;
    dest->capacity = used * 2;
    dest->pub.next_output_byte = larger + used;
    dest->pub.free_in_buffer = dest->capacity - used;
    return TRUE;
}

static void destination_term(j_compress_ptr cinfo) {
    fx_destination *dest = (fx_destination *)cinfo->dest;
    dest->length = dest->capacity - dest->pub.free_in_buffer;
}

typedef struct {
    const unsigned char *samples;
    int width, height, components, quality, chroma;
    const unsigned short *tables;
    int table_count;
    fx_encode_options options;
} encode_job;

// Creates the compressor writing into `dest` and describes the frame: size, colour space (grey or
// RGB in, YCbCr out), jpeg_set_defaults, jpeg_set_quality(quality, TRUE), luma sampling 1x1 (4:4:4),
// 2x1 (4:2:2) or 2x2 (4:2:0) with chroma 1x1; then `tables` replace slots 0 and 1 (clamped to 255
// when force_baseline), and the options' optimize_coding and restart fields apply. May longjmp.
static void start_frame(j_compress_ptr cinfo, fx_destination *dest, int width, int height, int components,
                        int chroma, int quality, const unsigned short *tables, int table_count,
                        boolean force_baseline, const fx_encode_options *options) {
    jpeg_create_compress(cinfo);
    dest->pub.init_destination = destination_init;
    dest->pub.empty_output_buffer = destination_grow;
    dest->pub.term_destination = destination_term;
    cinfo->dest = &dest->pub;

    cinfo->image_width = (JDIMENSION)width;
    cinfo->image_height = (JDIMENSION)height;
    cinfo->input_components = components;
    cinfo->in_color_space = components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(cinfo);
    jpeg_set_quality(cinfo, quality, TRUE);
    if (components == 3) {
        cinfo->comp_info[0].h_samp_factor = chroma == FX_CHROMA_444 ? 1 : 2;
        cinfo->comp_info[0].v_samp_factor = chroma == FX_CHROMA_420 ? 2 : 1;
    }
    for (int t = 0; t < table_count; t++) {
        unsigned int table[64];
        for (int i = 0; i < 64; i++) table[i] = tables[64 * t + i];
        jpeg_add_quant_table(cinfo, t, table, 100, force_baseline);
    }
    cinfo->optimize_coding = options->optimize_coding ? TRUE : FALSE;
    cinfo->restart_interval = (unsigned int)options->restart_interval;
    cinfo->restart_in_rows = options->restart_in_rows;
}

// Options outside what libjpeg takes: restart counts are 16-bit.
static int check_options(const fx_encode_options *options, const char *caller, char message[FX_MESSAGE_LENGTH]) {
    if (options->restart_interval < 0 || options->restart_interval > 65535
        || options->restart_in_rows < 0 || options->restart_in_rows > 65535) {
        snprintf(message, FX_MESSAGE_LENGTH, "%s: restart interval outside 0...65535", caller);
        return FX_ERR_ARGUMENT;
    }
    return 0;
}

// The only frame that setjmps: the caller's locals stay determinate after a longjmp.
static int encode_guarded(j_compress_ptr cinfo, fx_error *error, fx_destination *dest,
                          const encode_job *job, char message[FX_MESSAGE_LENGTH]) {
    cinfo->err = fx_error_init(error);
    if (setjmp(error->jump)) return fx_failure((j_common_ptr)cinfo, message);
    start_frame(cinfo, dest, job->width, job->height, job->components, job->chroma, job->quality,
                job->tables, job->table_count, job->options.keep_wide_tables ? FALSE : TRUE, &job->options);
    cinfo->dct_method = JDCT_ISLOW;
    if (job->options.progressive) jpeg_simple_progression(cinfo);

    jpeg_start_compress(cinfo, TRUE);
    size_t stride = (size_t)job->width * (size_t)job->components;
    while (cinfo->next_scanline < cinfo->image_height) {
        JSAMPROW row = (JSAMPROW)(job->samples + stride * cinfo->next_scanline);
        jpeg_write_scanlines(cinfo, &row, 1);
    }
    jpeg_finish_compress(cinfo);
    return 0;
}

int fx_encode(const unsigned char *samples, int width, int height, int components, int quality,
              int chroma, const unsigned short *tables, int table_count,
              unsigned char **jpeg, size_t *jpeg_size, char message[FX_MESSAGE_LENGTH]) {
    return fx_encode_with_options(samples, width, height, components, quality, chroma, tables, table_count,
                                  NULL, jpeg, jpeg_size, message);
}

int fx_encode_with_options(const unsigned char *samples, int width, int height, int components, int quality,
                           int chroma, const unsigned short *tables, int table_count,
                           const fx_encode_options *options,
                           unsigned char **jpeg, size_t *jpeg_size, char message[FX_MESSAGE_LENGTH]) {
    *jpeg = NULL;
    *jpeg_size = 0;
    if ((components != 1 && components != 3) || chroma < FX_CHROMA_444 || chroma > FX_CHROMA_420
        || table_count < 0 || table_count > 2 || (table_count > 0 && tables == NULL))
        return fx_own_failure(FX_ERR_ARGUMENT, "fx_encode: bad components, chroma or tables", message);
    fx_encode_options none = {0, 0, 0, 0, 0};
    if (options == NULL) options = &none;
    if (check_options(options, "fx_encode", message) != 0) return FX_ERR_ARGUMENT;
    if (width > 0 && height > 0 && (size_t)width * (size_t)height > FX_MAX_OUTPUT_BYTES / 3)
        return fx_own_failure(FX_ERR_TOO_LARGE, "fx_encode: image too large", message);

    struct jpeg_compress_struct cinfo;
    fx_error error;
    fx_destination dest;
    memset(&cinfo, 0, sizeof cinfo);  // jpeg_destroy is a no-op until jpeg_create succeeds
    memset(&dest, 0, sizeof dest);
    encode_job job = {samples, width, height, components, quality, chroma, tables, table_count, *options};
    int status = encode_guarded(&cinfo, &error, &dest, &job, message);
    jpeg_destroy_compress(&cinfo);
    if (status != 0) {
        free(dest.buffer);
        return status;
    }
    *jpeg = dest.buffer;
    *jpeg_size = dest.length;
    return 0;
}

// MARK: coefficient writer

typedef struct {
    int width, height, components, chroma;
    const short *coefficients;
    size_t coefficient_count;
    const unsigned short *tables;
    int table_count;
    fx_encode_options options;
} write_job;

// Real blocks of component `c` (0 luma): ceil(ceil(size * samp / max samp) / 8) each way.
static void component_blocks(const write_job *job, int c, int *wide, int *high) {
    int hmax = job->components == 3 && job->chroma != FX_CHROMA_444 ? 2 : 1;
    int vmax = job->components == 3 && job->chroma == FX_CHROMA_420 ? 2 : 1;
    int h = c == 0 ? hmax : 1, v = c == 0 ? vmax : 1;
    int w = (int)(((long)job->width * h + hmax - 1) / hmax), ht = (int)(((long)job->height * v + vmax - 1) / vmax);
    *wide = (w + 7) / 8;
    *high = (ht + 7) / 8;
}

static int write_guarded(j_compress_ptr cinfo, fx_error *error, fx_destination *dest, const write_job *job,
                         char message[FX_MESSAGE_LENGTH]) {
    cinfo->err = fx_error_init(error);
    if (setjmp(error->jump)) return fx_failure((j_common_ptr)cinfo, message);
    start_frame(cinfo, dest, job->width, job->height, job->components, job->chroma, 75, job->tables,
                job->table_count, FALSE, &job->options);

    jvirt_barray_ptr arrays[3];
    for (int c = 0; c < job->components; c++) {
        jpeg_component_info *info = &cinfo->comp_info[c];
        int wide, high;
        component_blocks(job, c, &wide, &high);
        // Rounded up to whole MCUs, zeroed: the transcoder reads only the real blocks.
        JDIMENSION across = (JDIMENSION)((wide + info->h_samp_factor - 1) / info->h_samp_factor * info->h_samp_factor);
        JDIMENSION down = (JDIMENSION)((high + info->v_samp_factor - 1) / info->v_samp_factor * info->v_samp_factor);
        arrays[c] = (*cinfo->mem->request_virt_barray)((j_common_ptr)cinfo, JPOOL_IMAGE, TRUE, across, down,
                                                       (JDIMENSION)info->v_samp_factor);
    }
    jpeg_write_coefficients(cinfo, arrays);  // realizes the arrays; the data is read by finish_compress
    const short *next = job->coefficients;
    for (int c = 0; c < job->components; c++) {
        int wide, high;
        component_blocks(job, c, &wide, &high);
        for (int row = 0; row < high; row++) {
            JBLOCKARRAY blocks = (*cinfo->mem->access_virt_barray)((j_common_ptr)cinfo, arrays[c],
                                                                   (JDIMENSION)row, 1, TRUE);
            memcpy(blocks[0], next, (size_t)wide * 64 * sizeof(short));
            next += (size_t)wide * 64;
        }
    }
    jpeg_finish_compress(cinfo);
    return 0;
}

int fx_write_coefficients(int width, int height, int components, int chroma,
                          const short *coefficients, size_t coefficient_count,
                          const unsigned short *tables, int table_count, const fx_encode_options *options,
                          unsigned char **jpeg, size_t *jpeg_size, char message[FX_MESSAGE_LENGTH]) {
    *jpeg = NULL;
    *jpeg_size = 0;
    if ((components != 1 && components != 3) || chroma < FX_CHROMA_444 || chroma > FX_CHROMA_420
        || table_count < 1 || table_count > 2 || tables == NULL || coefficients == NULL
        || width < 1 || height < 1 || width > 65535 || height > 65535)
        return fx_own_failure(FX_ERR_ARGUMENT, "fx_write_coefficients: bad size, components, chroma or tables", message);
    fx_encode_options none = {0, 0, 0, 0, 0};
    write_job job = {width, height, components, chroma, coefficients, coefficient_count, tables, table_count,
                     options ? *options : none};
    if (check_options(&job.options, "fx_write_coefficients", message) != 0) return FX_ERR_ARGUMENT;
    size_t needed = 0;
    for (int c = 0; c < components; c++) {
        int wide, high;
        component_blocks(&job, c, &wide, &high);
        needed += (size_t)wide * (size_t)high * 64;
    }
    if (needed != coefficient_count)
        return fx_own_failure(FX_ERR_ARGUMENT, "fx_write_coefficients: coefficient count does not fit the size", message);

    struct jpeg_compress_struct cinfo;
    fx_error error;
    fx_destination dest;
    memset(&cinfo, 0, sizeof cinfo);
    memset(&dest, 0, sizeof dest);
    int status = write_guarded(&cinfo, &error, &dest, &job, message);
    jpeg_destroy_compress(&cinfo);
    if (status != 0) {
        free(dest.buffer);
        return status;
    }
    *jpeg = dest.buffer;
    *jpeg_size = dest.length;
    return 0;
}

// MARK: decoder side

// The work done on an opened decompressor (header read); may longjmp through error_exit.
typedef int (*decompress_work)(j_decompress_ptr cinfo, void *job, char message[FX_MESSAGE_LENGTH]);

// The only frame that setjmps: creates the decompressor on `jpeg`, reads the header, runs `work`.
// libjpeg's own memory is capped so a header announcing a huge image fails instead of allocating.
static int decompress_guarded(j_decompress_ptr cinfo, fx_error *error, const unsigned char *jpeg,
                              size_t size, decompress_work work, void *job,
                              char message[FX_MESSAGE_LENGTH]) {
    cinfo->err = fx_error_init(error);
    if (setjmp(error->jump)) return fx_failure((j_common_ptr)cinfo, message);
    jpeg_create_decompress(cinfo);
    cinfo->mem->max_memory_to_use = (long)FX_MAX_OUTPUT_BYTES;
    jpeg_mem_src(cinfo, jpeg, (unsigned long)size);
    jpeg_read_header(cinfo, TRUE);
    return work(cinfo, job, message);
}

// Runs `work` and destroys the decompressor on every path; the job's buffers stay the caller's.
static int run_decompress(const unsigned char *jpeg, size_t size, decompress_work work, void *job,
                          char message[FX_MESSAGE_LENGTH]) {
    struct jpeg_decompress_struct cinfo;
    fx_error error;
    memset(&cinfo, 0, sizeof cinfo);  // jpeg_destroy is a no-op until jpeg_create succeeds
    int status = decompress_guarded(&cinfo, &error, jpeg, size, work, job, message);
    jpeg_destroy_decompress(&cinfo);
    return status;
}

typedef struct {
    fx_component *components;
    int count;
    short *coefficients;
} coefficients_job;

static int read_coefficients(j_decompress_ptr cinfo, void *context, char message[FX_MESSAGE_LENGTH]) {
    coefficients_job *job = context;
    jvirt_barray_ptr *arrays = jpeg_read_coefficients(cinfo);

    size_t total = 0;  // real blocks x 64 over all components
    for (int c = 0; c < cinfo->num_components; c++) {
        jpeg_component_info *info = &cinfo->comp_info[c];
        fx_component *out = &job->components[c];
        out->width_in_blocks = (int)info->width_in_blocks;
        out->height_in_blocks = (int)info->height_in_blocks;
        out->width = (int)info->downsampled_width;
        out->height = (int)info->downsampled_height;
        out->h_samp = info->h_samp_factor;
        out->v_samp = info->v_samp_factor;
        // quant_table: the copy latched when the component's first scan began.
        JQUANT_TBL *table = info->quant_table ? info->quant_table : cinfo->quant_tbl_ptrs[info->quant_tbl_no];
        for (int i = 0; i < 64; i++) out->quant[i] = table ? table->quantval[i] : 0;
        out->offset = total;
        total += (size_t)info->width_in_blocks * info->height_in_blocks * 64;
    }
    job->count = cinfo->num_components;
    if (total > FX_MAX_OUTPUT_BYTES / sizeof(short))
        return fx_own_failure(FX_ERR_TOO_LARGE, "fx_read_coefficients: too many blocks", message);
    job->coefficients = malloc(total * sizeof(short) + 1);
    if (job->coefficients == NULL) ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 3);

    for (int c = 0; c < cinfo->num_components; c++) {
        const fx_component *out = &job->components[c];
        short *next = job->coefficients + out->offset;
        for (int row = 0; row < out->height_in_blocks; row++) {
            JBLOCKARRAY blocks = (*cinfo->mem->access_virt_barray)((j_common_ptr)cinfo, arrays[c],
                                                                   (JDIMENSION)row, 1, FALSE);
            size_t count = (size_t)out->width_in_blocks * 64;  // blocks past these are MCU padding
            memcpy(next, blocks[0], count * sizeof(short));
            next += count;
        }
    }
    jpeg_finish_decompress(cinfo);
    return 0;
}

int fx_read_coefficients(const unsigned char *jpeg, size_t size,
                         fx_component components[FX_MAX_COMPONENTS], int *count,
                         short **coefficients, char message[FX_MESSAGE_LENGTH]) {
    coefficients_job job = {components, 0, NULL};
    int status = run_decompress(jpeg, size, read_coefficients, &job, message);
    if (status != 0) {
        free(job.coefficients);
        job.coefficients = NULL;
        job.count = 0;
    }
    *count = job.count;
    *coefficients = job.coefficients;
    return status;
}

typedef struct {
    int fancy;
    int width, height, components;
    unsigned char *samples;
} decode_job;

static int decode_samples(j_decompress_ptr cinfo, void *context, char message[FX_MESSAGE_LENGTH]) {
    decode_job *job = context;
    cinfo->dct_method = JDCT_ISLOW;
    cinfo->do_fancy_upsampling = job->fancy ? TRUE : FALSE;
    if (cinfo->num_components != 1) cinfo->out_color_space = JCS_RGB;  // grey stays JCS_GRAYSCALE
    jpeg_start_decompress(cinfo);

    job->width = (int)cinfo->output_width;
    job->height = (int)cinfo->output_height;
    job->components = cinfo->output_components;
    size_t stride = (size_t)cinfo->output_width * (size_t)cinfo->output_components;
    if (stride * cinfo->output_height > FX_MAX_OUTPUT_BYTES)
        return fx_own_failure(FX_ERR_TOO_LARGE, "fx_decode: image too large", message);
    job->samples = malloc(stride * cinfo->output_height + 1);
    if (job->samples == NULL) ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 4);
    while (cinfo->output_scanline < cinfo->output_height) {
        JSAMPROW row = job->samples + stride * cinfo->output_scanline;
        jpeg_read_scanlines(cinfo, &row, 1);
    }
    jpeg_finish_decompress(cinfo);
    return 0;
}

int fx_decode(const unsigned char *jpeg, size_t size, int fancy,
              int *width, int *height, int *components,
              unsigned char **samples, char message[FX_MESSAGE_LENGTH]) {
    decode_job job = {fancy, 0, 0, 0, NULL};
    int status = run_decompress(jpeg, size, decode_samples, &job, message);
    if (status != 0) {
        free(job.samples);
        job = (decode_job){fancy, 0, 0, 0, NULL};
    }
    *width = job.width;
    *height = job.height;
    *components = job.components;
    *samples = job.samples;
    return status;
}
