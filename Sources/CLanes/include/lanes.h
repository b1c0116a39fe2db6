// Eight 32-bit integers per vector (one AVX2 register), for Golden's LaneArithmetic: lane i holds one
// signal of block i of a batch of eight. Written with the compiler's vector extension so that each
// operation stays one or two vector instructions after inlining into Swift (Swift's generic SIMD
// shifts and selects are element loops, vectorized only sometimes).
//
// The batch drivers keep the results only where the traced value ranges prove every signal fits in
// 32 bits. Some passes run before their inputs are checked, so sums and products go through unsigned
// types and wrap (defined in C) rather than overflow; so do left shifts.
#ifndef FXCODEC_LANES_H
#define FXCODEC_LANES_H

#include <stdint.h>

typedef int32_t fx_lanes __attribute__((__vector_size__(32)));
typedef uint32_t fx_ulanes __attribute__((__vector_size__(32)));
typedef uint8_t fx_bytes8 __attribute__((__vector_size__(8)));
/// Memory seen as vectors, at whatever alignment Swift gave it (Swift aligns SIMD8<Int32> to 16 bytes).
typedef int32_t fx_row8 __attribute__((__vector_size__(32), __aligned__(4)));
typedef uint8_t fx_row8u __attribute__((__vector_size__(8), __aligned__(1)));

#define FX_INLINE static inline __attribute__((always_inline))

FX_INLINE fx_lanes fx_splat(int32_t x) { return (fx_lanes){x, x, x, x, x, x, x, x}; }
FX_INLINE fx_lanes fx_add(fx_lanes a, fx_lanes b) { return (fx_lanes)((fx_ulanes)a + (fx_ulanes)b); }
FX_INLINE fx_lanes fx_sub(fx_lanes a, fx_lanes b) { return (fx_lanes)((fx_ulanes)a - (fx_ulanes)b); }
FX_INLINE fx_lanes fx_mul(fx_lanes a, fx_lanes b) { return (fx_lanes)((fx_ulanes)a * (fx_ulanes)b); }
FX_INLINE fx_lanes fx_add_scalar(fx_lanes a, int32_t k) { return (fx_lanes)((fx_ulanes)a + (uint32_t)k); }
FX_INLINE fx_lanes fx_mul_scalar(fx_lanes a, int32_t k) { return (fx_lanes)((fx_ulanes)a * (uint32_t)k); }

/// a · 2^n, 0 <= n < 32.
FX_INLINE fx_lanes fx_shl(fx_lanes a, int n) { return (fx_lanes)((fx_ulanes)a << (uint32_t)n); }
/// floor(a / 2^n), 0 <= n < 32.
FX_INLINE fx_lanes fx_sra(fx_lanes a, int n) { return a >> n; }
/// floor(a / 2^s) per lane, s >= 0 (a count of 31 already gives the sign fill every larger one would).
FX_INLINE fx_lanes fx_sra_by(fx_lanes a, fx_lanes s) {
#if defined(__AVX2__)
    return (fx_lanes)__builtin_ia32_psrav8si(a, s);   // VPSRAVD: counts above 31 give the sign fill
#else
    fx_lanes limit = fx_splat(31);
    return a >> (fx_lanes)((s < limit) & s | ~(s < limit) & limit);
#endif
}

/// m ? a : b, lane by lane (m is all ones or all zeros per lane).
FX_INLINE fx_lanes fx_select(fx_lanes m, fx_lanes a, fx_lanes b) { return (m & a) | (~m & b); }
FX_INLINE fx_lanes fx_min(fx_lanes a, fx_lanes b) { return fx_select(a < b, a, b); }
FX_INLINE fx_lanes fx_max(fx_lanes a, fx_lanes b) { return fx_select(a > b, a, b); }
/// |a| = (a ^ m) − m with m = a >> 31 (all ones when negative).
FX_INLINE fx_lanes fx_abs(fx_lanes a) { fx_lanes m = a >> 31; return fx_sub(a ^ m, m); }
/// s < 0 ? −m : m, the same way.
FX_INLINE fx_lanes fx_apply_sign(fx_lanes s, fx_lanes m) { fx_lanes k = s >> 31; return fx_sub(m ^ k, k); }

/// a wrapped to 32 − s bits: (a << s) >> s.
FX_INLINE fx_lanes fx_wrap(fx_lanes a, int s) { return fx_sra(fx_shl(a, s), s); }
FX_INLINE fx_lanes fx_clamp(fx_lanes a, int32_t lo, int32_t hi) { return fx_min(fx_max(a, fx_splat(lo)), fx_splat(hi)); }
/// count + (y != a ? 1 : 0): the comparison is −1 where they differ.
FX_INLINE fx_lanes fx_count_changed(fx_lanes count, fx_lanes y, fx_lanes a) { return count - (fx_lanes)(y != a); }

/// The 8×8 transpose of eight vectors (r[i][j] → r[j][i]): pairs, then quads, then halves.
FX_INLINE void fx_transpose(void *vectors) {
    fx_row8 *r = (fx_row8 *)vectors;
    fx_lanes t0 = __builtin_shufflevector(r[0], r[1], 0, 8, 1, 9, 4, 12, 5, 13);
    fx_lanes t1 = __builtin_shufflevector(r[0], r[1], 2, 10, 3, 11, 6, 14, 7, 15);
    fx_lanes t2 = __builtin_shufflevector(r[2], r[3], 0, 8, 1, 9, 4, 12, 5, 13);
    fx_lanes t3 = __builtin_shufflevector(r[2], r[3], 2, 10, 3, 11, 6, 14, 7, 15);
    fx_lanes t4 = __builtin_shufflevector(r[4], r[5], 0, 8, 1, 9, 4, 12, 5, 13);
    fx_lanes t5 = __builtin_shufflevector(r[4], r[5], 2, 10, 3, 11, 6, 14, 7, 15);
    fx_lanes t6 = __builtin_shufflevector(r[6], r[7], 0, 8, 1, 9, 4, 12, 5, 13);
    fx_lanes t7 = __builtin_shufflevector(r[6], r[7], 2, 10, 3, 11, 6, 14, 7, 15);
    fx_lanes u0 = __builtin_shufflevector(t0, t2, 0, 1, 8, 9, 4, 5, 12, 13);
    fx_lanes u1 = __builtin_shufflevector(t0, t2, 2, 3, 10, 11, 6, 7, 14, 15);
    fx_lanes u2 = __builtin_shufflevector(t1, t3, 0, 1, 8, 9, 4, 5, 12, 13);
    fx_lanes u3 = __builtin_shufflevector(t1, t3, 2, 3, 10, 11, 6, 7, 14, 15);
    fx_lanes u4 = __builtin_shufflevector(t4, t6, 0, 1, 8, 9, 4, 5, 12, 13);
    fx_lanes u5 = __builtin_shufflevector(t4, t6, 2, 3, 10, 11, 6, 7, 14, 15);
    fx_lanes u6 = __builtin_shufflevector(t5, t7, 0, 1, 8, 9, 4, 5, 12, 13);
    fx_lanes u7 = __builtin_shufflevector(t5, t7, 2, 3, 10, 11, 6, 7, 14, 15);
    r[0] = __builtin_shufflevector(u0, u4, 0, 1, 2, 3, 8, 9, 10, 11);
    r[4] = __builtin_shufflevector(u0, u4, 4, 5, 6, 7, 12, 13, 14, 15);
    r[1] = __builtin_shufflevector(u1, u5, 0, 1, 2, 3, 8, 9, 10, 11);
    r[5] = __builtin_shufflevector(u1, u5, 4, 5, 6, 7, 12, 13, 14, 15);
    r[2] = __builtin_shufflevector(u2, u6, 0, 1, 2, 3, 8, 9, 10, 11);
    r[6] = __builtin_shufflevector(u2, u6, 4, 5, 6, 7, 12, 13, 14, 15);
    r[3] = __builtin_shufflevector(u3, u7, 0, 1, 2, 3, 8, 9, 10, 11);
    r[7] = __builtin_shufflevector(u3, u7, 4, 5, 6, 7, 12, 13, 14, 15);
}

/// Row `row` of eight blocks (64 values apart) as eight vectors, one per column, lane i = block i.
FX_INLINE void fx_load_rows_u8(const uint8_t *p, void *vectors) {
    fx_row8 *out = (fx_row8 *)vectors;
    for (int b = 0; b < 8; b++) out[b] = __builtin_convertvector(*(const fx_row8u *)(p + 64 * b), fx_lanes);
    fx_transpose(out);
}
FX_INLINE void fx_load_rows_i32(const int32_t *p, void *vectors) {
    fx_row8 *out = (fx_row8 *)vectors;
    for (int b = 0; b < 8; b++) out[b] = *(const fx_row8 *)(p + 64 * b);
    fx_transpose(out);
}
/// The inverse: eight column vectors (lane i = block i) stored as row `row` of each block.
FX_INLINE void fx_store_rows_i32(int32_t *p, void *vectors) {
    fx_row8 *v = (fx_row8 *)vectors;
    fx_transpose(v);
    for (int b = 0; b < 8; b++) *(fx_row8 *)(p + 64 * b) = v[b];
}
/// The same for samples already limited to 0...255.
FX_INLINE void fx_store_rows_u8(uint8_t *p, void *vectors) {
    fx_row8 *v = (fx_row8 *)vectors;
    fx_transpose(v);
    for (int b = 0; b < 8; b++) *(fx_row8u *)(p + 64 * b) = __builtin_convertvector(v[b], fx_bytes8);
}

/// Row `row` of eight blocks of samples from its eight column vectors (lane i = block i), each value
/// already in 0...255. With AVX2 the values are packed to bytes first (the saturating packs change
/// nothing in that range) and transposed as bytes: a quarter of the shuffles of the 32-bit transpose.
FX_INLINE void fx_store_samples(uint8_t *p, fx_lanes c0, fx_lanes c1, fx_lanes c2, fx_lanes c3,
                                fx_lanes c4, fx_lanes c5, fx_lanes c6, fx_lanes c7) {
#if defined(__AVX2__)
    typedef char i8x32 __attribute__((__vector_size__(32)));
    typedef long long i64x4 __attribute__((__vector_size__(32)));
    typedef long long i64x1u __attribute__((__vector_size__(8), __aligned__(1)));
    // Per 128-bit half (blocks 0–3 low, 4–7 high), byte 4·c + b holds column c of block b.
    i8x32 lo = __builtin_ia32_packuswb256(__builtin_ia32_packssdw256(c0, c1), __builtin_ia32_packssdw256(c2, c3));
    i8x32 hi = __builtin_ia32_packuswb256(__builtin_ia32_packssdw256(c4, c5), __builtin_ia32_packssdw256(c6, c7));
    // 4×4 byte transpose in each half: byte 4·b + c.
    const i8x32 t = {0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15,
                     0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15};
    lo = __builtin_ia32_pshufb256(lo, t);
    hi = __builtin_ia32_pshufb256(hi, t);
    // Columns 0–3 beside 4–7: qwords are blocks 0, 1, 4, 5 and 2, 3, 6, 7.
    i64x4 b0145 = (i64x4)__builtin_shufflevector((fx_lanes)lo, (fx_lanes)hi, 0, 8, 1, 9, 4, 12, 5, 13);
    i64x4 b2367 = (i64x4)__builtin_shufflevector((fx_lanes)lo, (fx_lanes)hi, 2, 10, 3, 11, 6, 14, 7, 15);
    *(i64x1u *)(p + 0 * 64) = (i64x1u){b0145[0]};
    *(i64x1u *)(p + 1 * 64) = (i64x1u){b0145[1]};
    *(i64x1u *)(p + 4 * 64) = (i64x1u){b0145[2]};
    *(i64x1u *)(p + 5 * 64) = (i64x1u){b0145[3]};
    *(i64x1u *)(p + 2 * 64) = (i64x1u){b2367[0]};
    *(i64x1u *)(p + 3 * 64) = (i64x1u){b2367[1]};
    *(i64x1u *)(p + 6 * 64) = (i64x1u){b2367[2]};
    *(i64x1u *)(p + 7 * 64) = (i64x1u){b2367[3]};
#else
    fx_row8 v[8] = {c0, c1, c2, c3, c4, c5, c6, c7};
    fx_store_rows_u8(p, v);
#endif
}

/// Eight consecutive samples, one per lane.
FX_INLINE fx_lanes fx_load_samples(const uint8_t *p) { return __builtin_convertvector(*(const fx_row8u *)p, fx_lanes); }

/// Eight pixels stored interleaved, r0 g0 b0 r1 … b7 (24 bytes); every lane already in 0...255.
FX_INLINE void fx_store_rgb(uint8_t *p, fx_lanes r, fx_lanes g, fx_lanes b) {
    typedef uint8_t bytes16 __attribute__((__vector_size__(16)));
    typedef uint8_t bytes32 __attribute__((__vector_size__(32)));
    typedef uint8_t bytes16u __attribute__((__vector_size__(16), __aligned__(1)));
    fx_bytes8 r8 = __builtin_convertvector(r, fx_bytes8), g8 = __builtin_convertvector(g, fx_bytes8);
    fx_bytes8 b8 = __builtin_convertvector(b, fx_bytes8);
    bytes16 rg = __builtin_shufflevector(r8, g8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    bytes16 bb = __builtin_shufflevector(b8, b8, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7);
    bytes32 all = __builtin_shufflevector(rg, bb, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                                          16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
    bytes16 first = __builtin_shufflevector(all, all, 0, 8, 16, 1, 9, 17, 2, 10, 18, 3, 11, 19, 4, 12, 20, 5);
    fx_bytes8 rest = __builtin_shufflevector(all, all, 13, 21, 6, 14, 22, 7, 15, 23);
    *(bytes16u *)p = first;
    *(fx_row8u *)(p + 16) = rest;
}

/// Smallest and largest lane value seen, for the batch guards.
FX_INLINE fx_lanes fx_reduce_min(fx_lanes a) {
    a = fx_min(a, __builtin_shufflevector(a, a, 4, 5, 6, 7, 0, 1, 2, 3));
    a = fx_min(a, __builtin_shufflevector(a, a, 2, 3, 0, 1, 6, 7, 4, 5));
    return fx_min(a, __builtin_shufflevector(a, a, 1, 0, 3, 2, 5, 4, 7, 6));
}
FX_INLINE fx_lanes fx_reduce_max(fx_lanes a) {
    a = fx_max(a, __builtin_shufflevector(a, a, 4, 5, 6, 7, 0, 1, 2, 3));
    a = fx_max(a, __builtin_shufflevector(a, a, 2, 3, 0, 1, 6, 7, 4, 5));
    return fx_max(a, __builtin_shufflevector(a, a, 1, 0, 3, 2, 5, 4, 7, 6));
}

#endif
