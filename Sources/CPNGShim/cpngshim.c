/*
 * cpngshim.c: PNG reading and writing through libpng, with every setjmp/longjmp kept in C.
 *
 * Error path.  libpng calls on_error(), which copies the message into the caller's status and
 * longjmps to the setjmp at the top of the shim function that called into libpng.  That function
 * frees what it owns and returns the code.  No Swift frame is ever between setjmp and longjmp.
 * The code a longjmp stands for is context.code_on_error: FX_PNG_MALFORMED (reading) or
 * FX_PNG_WRITE_FAILED (writing), unless our own I/O callback sets a more precise one first.
 *
 * Warnings.  libpng states some reasons only as warnings before a general error (png_check_IHDR
 * warns "Image width exceeds user limit in IHDR", then errors "Invalid IHDR data").  So warnings
 * are collected, and an error message ends with them in brackets.  On success they are kept for the
 * caller (fx_png_warnings): an ancillary chunk with a bad CRC, for instance, is skipped with a warning.
 */
#include "cpngshim.h"

#include <png.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    fx_png_status *status;
    fx_png_code code_on_error;
    char warnings[200];
} fx_png_context;

static void set_status(fx_png_status *status, fx_png_code code, const char *message)
{
    status->code = code;
    snprintf(status->message, sizeof status->message, "%s", message);
}

static void on_warning(png_structp png, png_const_charp message)
{
    fx_png_context *context = png_get_error_ptr(png);
    size_t used = strlen(context->warnings);
    snprintf(context->warnings + used, sizeof context->warnings - used, "%s%s",
             used > 0 ? "; " : "", message);
}

static void on_error(png_structp png, png_const_charp message)
{
    fx_png_context *context = png_get_error_ptr(png);
    fx_png_status *status = context->status;
    status->code = context->code_on_error;
    if (context->warnings[0] != '\0')
        snprintf(status->message, sizeof status->message, "%s (libpng warned: %s)", message,
                 context->warnings);
    else
        snprintf(status->message, sizeof status->message, "%s", message);
    png_longjmp(png, 1);
}

/* ---- reading ---------------------------------------------------------------------------- */

struct fx_png_reader {
    FILE *file;
    png_structp png;
    png_infop info;
    fx_png_context context;
    uint32_t width, height;
    int channels;
    int passes;
};

static void read_from_file(png_structp png, png_bytep data, size_t length)
{
    fx_png_reader *reader = png_get_io_ptr(png);
    if (fread(data, 1, length, reader->file) == length)
        return;
    if (ferror(reader->file)) {
        reader->context.code_on_error = FX_PNG_CANNOT_READ;
        png_error(png, strerror(errno));
    }
    reader->context.code_on_error = FX_PNG_TRUNCATED;
    png_error(png, "unexpected end of file");
}

/* Reads the 8-byte signature ourselves, so an empty or foreign file gets a precise message. */
static int check_signature(fx_png_reader *reader, fx_png_status *status)
{
    png_byte signature[8];
    size_t got = fread(signature, 1, sizeof signature, reader->file);
    if (got < sizeof signature && ferror(reader->file)) {
        set_status(status, FX_PNG_CANNOT_READ, strerror(errno));
        return 0;
    }
    if (got == 0) {
        set_status(status, FX_PNG_EMPTY, "0 bytes");
        return 0;
    }
    if (png_sig_cmp(signature, 0, got) != 0) {
        set_status(status, FX_PNG_NOT_PNG, "bad signature (the first bytes are not \\x89PNG\\r\\n\\x1a\\n)");
        return 0;
    }
    if (got < sizeof signature) {
        set_status(status, FX_PNG_TRUNCATED, "unexpected end of file inside the signature");
        return 0;
    }
    return 1;
}

/*
 * Every chunk through IEND must fit in the file.  libpng 1.6.39 checks a chunk's length against its
 * user limit (8 MB), but only as a benign error, i.e. a warning ("zTXt: chunk data is too large"),
 * after which it allocates and clears a buffer of the claimed length: a 301-byte file claiming a
 * 2 GB zTXt chunk cost 2 GB and 2 s.  libpng reads every chunk through IEND, so a file refused here
 * would have been refused later as truncated; no file it accepted is refused.  Only regular files
 * are scanned (a pipe cannot be rewound).  The file position is left after the signature.
 */
static int check_chunk_lengths(fx_png_reader *reader, fx_png_status *status)
{
    struct stat file_status;
    if (fstat(fileno(reader->file), &file_status) != 0 || !S_ISREG(file_status.st_mode))
        return 1;
    uint64_t size = (uint64_t)file_status.st_size, at = 8;
    png_byte header[8];   /* length (4 bytes, big-endian), type (4) */
    while (at + sizeof header <= size) {
        if (fseek(reader->file, (long)at, SEEK_SET) != 0
            || fread(header, 1, sizeof header, reader->file) != sizeof header)
            break;   /* libpng meets the same problem and reports it */
        uint64_t length = png_get_uint_32(header);
        uint64_t left = size - at - sizeof header;
        if (length + 4 > left) {   /* data and CRC */
            char type[5], message[200];
            for (int k = 0; k < 4; k++)
                type[k] = header[4 + k] >= 0x20 && header[4 + k] < 0x7f ? (char)header[4 + k] : '?';
            type[4] = '\0';
            snprintf(message, sizeof message, "unexpected end of file (the %s chunk at byte %llu "
                     "claims %llu bytes; %llu follow its header)", type, (unsigned long long)at,
                     (unsigned long long)length, (unsigned long long)left);
            set_status(status, FX_PNG_TRUNCATED, message);
            return 0;
        }
        if (memcmp(header + 4, "IEND", 4) == 0)
            break;
        at += sizeof header + length + 4;
    }
    if (fseek(reader->file, 8, SEEK_SET) != 0) {
        set_status(status, FX_PNG_CANNOT_READ, strerror(errno));
        return 0;
    }
    return 1;
}

void fx_png_close(fx_png_reader *reader)
{
    if (reader == NULL)
        return;
    if (reader->png != NULL)
        png_destroy_read_struct(&reader->png, reader->info != NULL ? &reader->info : NULL, NULL);
    if (reader->file != NULL)
        fclose(reader->file);
    free(reader);
}

/* Everything up to the first IDAT, then the transformations; the reader is set up on return. */
static void read_header_and_set_transforms(fx_png_reader *reader, uint64_t max_pixels,
                                           fx_png_info *info)
{
    png_structp png = reader->png;
    png_infop png_info = reader->info;

    /* libpng's own bound, checked as IHDR is read: no side may exceed the pixel limit. */
    uint64_t side_limit = max_pixels < 0x7fffffffu ? max_pixels : 0x7fffffffu;
    png_set_user_limits(png, side_limit > 0 ? (png_uint_32)side_limit : 1,
                        side_limit > 0 ? (png_uint_32)side_limit : 1);
    png_set_read_fn(png, reader, read_from_file);
    png_set_sig_bytes(png, 8);
    png_read_info(png, png_info);

    info->width = png_get_image_width(png, png_info);
    info->height = png_get_image_height(png, png_info);
    info->bit_depth = png_get_bit_depth(png, png_info);
    info->color_type = png_get_color_type(png, png_info);
    info->interlaced = png_get_interlace_type(png, png_info) == PNG_INTERLACE_ADAM7;
    info->has_trns = png_get_valid(png, png_info, PNG_INFO_tRNS) != 0;

    /* The product bound, before anything is allocated from the header's size. */
    uint64_t pixels = (uint64_t)info->width * info->height;
    if (pixels > max_pixels) {
        char message[160];
        snprintf(message, sizeof message, "%u x %u = %llu pixels, over the limit of %llu pixels",
                 info->width, info->height, (unsigned long long)pixels,
                 (unsigned long long)max_pixels);
        reader->context.code_on_error = FX_PNG_TOO_LARGE;
        png_error(png, message);
    }

    if (info->color_type == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (info->color_type == PNG_COLOR_TYPE_GRAY && info->bit_depth < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    if (info->has_trns)
        png_set_tRNS_to_alpha(png);
    if (info->bit_depth == 16)
        png_set_scale_16(png);
    reader->passes = png_set_interlace_handling(png);
    png_read_update_info(png, png_info);

    reader->width = info->width;
    reader->height = info->height;
    reader->channels = png_get_channels(png, png_info);
    info->channels = reader->channels;
    if (png_get_bit_depth(png, png_info) != 8
        || png_get_rowbytes(png, png_info) != (size_t)reader->width * reader->channels)
        png_error(png, "unexpected row layout after the 8-bit transformations");
}

fx_png_reader *fx_png_open(const char *path, uint64_t max_pixels, fx_png_info *info,
                           fx_png_status *status)
{
    set_status(status, FX_PNG_OK, "");
    memset(info, 0, sizeof *info);
    fx_png_reader *reader = calloc(1, sizeof *reader);
    if (reader == NULL) {
        set_status(status, FX_PNG_OUT_OF_MEMORY, "out of memory");
        return NULL;
    }
    reader->context.status = status;
    reader->context.code_on_error = FX_PNG_MALFORMED;

    reader->file = fopen(path, "rb");
    if (reader->file == NULL) {
        set_status(status, FX_PNG_CANNOT_READ, strerror(errno));
        fx_png_close(reader);
        return NULL;
    }
    if (!check_signature(reader, status) || !check_chunk_lengths(reader, status)) {
        fx_png_close(reader);
        return NULL;
    }
    reader->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &reader->context,
                                         on_error, on_warning);
    if (reader->png != NULL)
        reader->info = png_create_info_struct(reader->png);
    if (reader->info == NULL) {
        set_status(status, FX_PNG_OUT_OF_MEMORY, "out of memory creating the libpng reader");
        fx_png_close(reader);
        return NULL;
    }
    if (setjmp(png_jmpbuf(reader->png))) {
        fx_png_close(reader);
        return NULL;
    }
    read_header_and_set_transforms(reader, max_pixels, info);
    return reader;
}

fx_png_code fx_png_read_pixels(fx_png_reader *reader, uint8_t *out, size_t out_size,
                               fx_png_status *status)
{
    set_status(status, FX_PNG_OK, "");
    reader->context.status = status;
    size_t row_bytes = (size_t)reader->width * reader->channels;
    if (out_size != row_bytes * reader->height) {
        set_status(status, FX_PNG_BAD_ARGUMENT, "the output buffer does not match the image size");
        return status->code;
    }
    if (setjmp(png_jmpbuf(reader->png)))
        return status->code;

    /* Adam7: each pass writes its own pixels into the rows ("sparkle"), so after the last pass
     * every row is complete.  No row-pointer array is needed. */
    for (int pass = 0; pass < reader->passes; pass++)
        for (uint32_t y = 0; y < reader->height; y++)
            png_read_row(reader->png, out + y * row_bytes, NULL);
    png_read_end(reader->png, NULL);   /* checks the remaining chunks' CRCs, up to IEND */
    return FX_PNG_OK;
}

const char *fx_png_warnings(const fx_png_reader *reader)
{
    return reader->context.warnings;
}

/* ---- writing ---------------------------------------------------------------------------- */

typedef struct {
    fx_png_context context;
    FILE *file;
} fx_png_writer;

static void write_to_file(png_structp png, png_bytep data, size_t length)
{
    fx_png_writer *writer = png_get_io_ptr(png);
    if (fwrite(data, 1, length, writer->file) != length)
        png_error(png, strerror(errno));
}

static void flush_file(png_structp png)
{
    fx_png_writer *writer = png_get_io_ptr(png);
    if (fflush(writer->file) != 0)
        png_error(png, strerror(errno));
}

/* Writes the PNG into writer->file; returns normally only on success. */
static void write_rows(png_structp png, png_infop info, fx_png_writer *writer,
                       const uint8_t *samples, uint32_t width, uint32_t height, int channels)
{
    png_set_write_fn(png, writer, write_to_file, flush_file);
    png_set_IHDR(png, info, width, height, 8,
                 channels == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    size_t row_bytes = (size_t)width * channels;
    for (uint32_t y = 0; y < height; y++)
        png_write_row(png, samples + y * row_bytes);
    png_write_end(png, NULL);
}

fx_png_code fx_png_write_fd(int fd, const uint8_t *samples, uint32_t width, uint32_t height,
                            int channels, fx_png_status *status)
{
    set_status(status, FX_PNG_OK, "");
    if (channels != 1 && channels != 3) {
        close(fd);
        set_status(status, FX_PNG_BAD_ARGUMENT, "only grey (1) or RGB (3) images are written");
        return status->code;
    }
    fx_png_writer writer = { .context = { .status = status, .code_on_error = FX_PNG_WRITE_FAILED } };
    writer.file = fdopen(fd, "wb");
    if (writer.file == NULL) {
        set_status(status, FX_PNG_WRITE_FAILED, strerror(errno));
        close(fd);
        return status->code;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &writer.context,
                                              on_error, on_warning);
    png_infop info = png != NULL ? png_create_info_struct(png) : NULL;
    if (info == NULL) {
        png_destroy_write_struct(&png, NULL);
        fclose(writer.file);
        set_status(status, FX_PNG_OUT_OF_MEMORY, "out of memory creating the libpng writer");
        return status->code;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        fclose(writer.file);
        return status->code;
    }
    write_rows(png, info, &writer, samples, width, height, channels);
    png_destroy_write_struct(&png, &info);

    /* The bytes must be on disk before the caller renames the file into place. */
    if (fflush(writer.file) != 0 || fsync(fileno(writer.file)) != 0) {
        set_status(status, FX_PNG_WRITE_FAILED, strerror(errno));
        fclose(writer.file);
        return status->code;
    }
    if (fclose(writer.file) != 0) {
        set_status(status, FX_PNG_WRITE_FAILED, strerror(errno));
        return status->code;
    }
    return FX_PNG_OK;
}
