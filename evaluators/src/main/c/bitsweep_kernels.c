/*
 * BitSweep's native int8 kernels (JNI): the exact engine's int8 GEMM on AVX-512 VNNI.
 *
 * Called from io.bitsweep.eval.engine.exact.NativeKernels, which loads this library only on linux-x86_64 and uses it
 * only when cpuSupported() says the CPU has the instructions: the kernels carry their instruction sets as target
 * attributes, so the file is built without -march and nothing here runs AVX-512 before that check. The Java caller
 * checks every index before a call; nothing here checks bounds.
 *
 * Arithmetic: vpdpbusd multiplies 4 unsigned input bytes by 4 signed weight bytes, adds the 4 products (exact in
 * 32 bits) to an int32 lane, wrapping as Java's int does. Integer addition is exact in any order, so the
 * accumulators equal the Java kernels' bit for bit (docs/PERFORMANCE.md, "Kernels").
 */
#include <jni.h>
#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>

#define TARGETS "avx512f,avx512bw,avx512vl,avx512vnni,avx512vbmi"
#define KERNEL __attribute__((target(TARGETS)))
#define INLINE_KERNEL static inline __attribute__((always_inline, target(TARGETS)))

/* Bytes of packed weights per reduction step (4 input channels) of one vector of 16 output channels. */
#define STEP_BYTES 64

JNIEXPORT jboolean JNICALL Java_io_bitsweep_eval_engine_exact_NativeKernels_cpuSupported(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
            && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni")
            && __builtin_cpu_supports("avx512vbmi");
}

/*
 * The requantization of OutputStage (accumulator width 32, no residual input), per lane bit-identical to Java's
 * FixedPoint / RequantRounding: shift counts masked as Java masks them, int32 wrap-around where Java's int wraps.
 * Per channel, from Java (OutputStage.RequantTable): the Q31 multiplier, the int left shift and the rounding
 * exponent of the double-rounding form (already & 31), its remainder mask, -1 where it multiplies (0 for SHIFT's
 * powers of two), and the single-rounding form's total shift 31 - shift (masked here as Java's long shifts mask).
 */
enum { MULTIPLIER, LEFT_SHIFT, EXPONENT, EXPONENT_MASK, HIGH_MUL, TOTAL_SHIFT, REQUANT_PARAMS };
enum { ROUNDING_SINGLE = 0, ROUNDING_DOUBLE = 1 };

typedef struct {
    int rounding;
    __m512i multiplier, leftShift, exponent, exponentMask;
    __mmask16 highMul; /* the lanes that multiply (all but SHIFT's powers of two) */
    __m512i roundEven, roundOdd, shiftEven, shiftOdd;
    __m512i zeroPoint, min, max;
    __mmask16 lanes; /* the real channels of this vector */
} Requant;

INLINE_KERNEL Requant requantOf(const int32_t *params, int stride, int channel, int rounding, int zeroPoint, int min,
        int max, int channels) {
    Requant q;
    q.rounding = rounding;
    q.multiplier = _mm512_loadu_si512(params + MULTIPLIER * stride + channel);
    q.leftShift = _mm512_loadu_si512(params + LEFT_SHIFT * stride + channel);
    q.exponent = _mm512_loadu_si512(params + EXPONENT * stride + channel);
    q.exponentMask = _mm512_loadu_si512(params + EXPONENT_MASK * stride + channel);
    __m512i highMul = _mm512_loadu_si512(params + HIGH_MUL * stride + channel);
    q.highMul = _mm512_test_epi32_mask(highMul, highMul);
    __m512i total = _mm512_loadu_si512(params + TOTAL_SHIFT * stride + channel);
    __m512i low = _mm512_set1_epi64(0xFFFFFFFFLL);
    __m512i m63 = _mm512_set1_epi64(63);
    /* the 64-bit lanes: even channels in the low halves, odd channels in the high halves, sign-extended */
    __m512i totalEven = _mm512_srai_epi64(_mm512_slli_epi64(total, 32), 32);
    __m512i totalOdd = _mm512_srai_epi64(total, 32);
    __m512i one = _mm512_set1_epi64(1);
    q.roundEven = _mm512_sllv_epi64(one, _mm512_and_si512(_mm512_sub_epi64(totalEven, one), m63));
    q.roundOdd = _mm512_sllv_epi64(one, _mm512_and_si512(_mm512_sub_epi64(totalOdd, one), m63));
    q.shiftEven = _mm512_and_si512(_mm512_and_si512(totalEven, low), m63);
    q.shiftOdd = _mm512_and_si512(_mm512_and_si512(totalOdd, low), m63);
    q.zeroPoint = _mm512_set1_epi32(zeroPoint);
    q.min = _mm512_set1_epi32(min);
    q.max = _mm512_set1_epi32(max);
    int real = channels - channel;
    q.lanes = real >= 16 ? (__mmask16) 0xFFFF : (__mmask16) ((1u << real) - 1);
    return q;
}

/* Even lanes' results in the low halves of the 64-bit lanes, odd lanes' in the high halves: back to 16 ints. */
INLINE_KERNEL __m512i joinHalves(__m512i even, __m512i odd) {
    return _mm512_mask_blend_epi32((__mmask16) 0xAAAA, even, _mm512_slli_epi64(odd, 32));
}

/* SaturatingRoundingDoublingHighMul of 64-bit products (multiplier >= 0): the nudge, then division by 2^31
   truncating toward zero. */
INLINE_KERNEL __m512i highHalf(__m512i ab) {
    __m512i nudge = _mm512_add_epi64(_mm512_set1_epi64(1LL << 30),
            _mm512_and_si512(_mm512_srai_epi64(ab, 63), _mm512_set1_epi64((1LL - (1LL << 30)) - (1LL << 30))));
    __m512i t = _mm512_add_epi64(ab, nudge);
    return _mm512_srai_epi64(_mm512_add_epi64(t, _mm512_and_si512(_mm512_srai_epi64(t, 63),
            _mm512_set1_epi64((1LL << 31) - 1))), 31);
}

/* 16 accumulators to 16 int8 codes, stored to the real lanes at out. */
INLINE_KERNEL void requantizeStore(const Requant *q, __m512i acc, int8_t *out) {
    __m512i v;
    if (q->rounding == ROUNDING_SINGLE) {
        /* (acc * m + round) >> totalShift in 64 bits, clamped to the int range */
        __m512i even = _mm512_srav_epi64(_mm512_add_epi64(_mm512_mul_epi32(acc, q->multiplier), q->roundEven),
                q->shiftEven);
        __m512i odd = _mm512_srav_epi64(_mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(acc, 32),
                _mm512_srli_epi64(q->multiplier, 32)), q->roundOdd), q->shiftOdd);
        __m512i lo = _mm512_set1_epi64(INT32_MIN);
        __m512i hi = _mm512_set1_epi64(INT32_MAX);
        even = _mm512_min_epi64(_mm512_max_epi64(even, lo), hi);
        odd = _mm512_min_epi64(_mm512_max_epi64(odd, lo), hi);
        v = joinHalves(even, odd);
    } else {
        /* x * (1 << leftShift), wrapping; SaturatingRoundingDoublingHighMul where the lane multiplies */
        __m512i y = _mm512_sllv_epi32(acc, q->leftShift);
        __m512i even = highHalf(_mm512_mul_epi32(y, q->multiplier));
        __m512i odd = highHalf(_mm512_mul_epi32(_mm512_srli_epi64(y, 32), _mm512_srli_epi64(q->multiplier, 32)));
        __m512i z = _mm512_mask_blend_epi32(q->highMul, y, joinHalves(even, odd));
        /* RoundingDivideByPOT: (z >> e) + (remainder > (mask >> 1) + (z < 0)) */
        __m512i remainder = _mm512_and_si512(z, q->exponentMask);
        __m512i threshold = _mm512_sub_epi32(_mm512_srai_epi32(q->exponentMask, 1), _mm512_srai_epi32(z, 31));
        __mmask16 up = _mm512_cmpgt_epi32_mask(remainder, threshold);
        v = _mm512_mask_add_epi32(_mm512_srav_epi32(z, q->exponent), up, _mm512_srav_epi32(z, q->exponent),
                _mm512_set1_epi32(1));
    }
    v = _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(v, q->zeroPoint), q->min), q->max);
    _mm512_mask_cvtepi32_storeu_epi8(out, q->lanes, v);
}

/*
 * A register tile: ROWS output pixels by VECTORS vectors of 16 output channels, over every tap and depth step.
 * Per step one weight load per vector serves every pixel, one 4-byte broadcast per pixel serves every vector.
 * ROWS * VECTORS accumulators + VECTORS weights + 1 broadcast stay within the 32 zmm registers. The accumulators go
 * to acc (int32 rows accStride apart) or, with q, are requantized into out (int8 rows outStride apart).
 */
INLINE_KERNEL void tile(const uint8_t *input, const int32_t *pixels, int rows, int vectors, const int32_t *taps,
        int tapCount, int depthSteps, const int8_t *weights, int vectorStride, const int32_t *bias, int32_t *acc,
        int accStride, const Requant *q, int8_t *out, int outStride) {
    __m512i sum[16][4];
#pragma GCC unroll 16
    for (int r = 0; r < rows; r++) {
#pragma GCC unroll 4
        for (int v = 0; v < vectors; v++) {
            sum[r][v] = _mm512_loadu_si512(bias + 16 * v);
        }
    }
    for (int t = 0; t < tapCount; t++) {
        const uint8_t *in[16];
#pragma GCC unroll 16
        for (int r = 0; r < rows; r++) {
            in[r] = input + pixels[r] + taps[t];
        }
        const int8_t *w = weights + (size_t) t * depthSteps * STEP_BYTES;
        for (int k = 0; k < depthSteps; k++) {
            __m512i wv[4];
#pragma GCC unroll 4
            for (int v = 0; v < vectors; v++) {
                wv[v] = _mm512_loadu_si512(w + (size_t) v * vectorStride + (size_t) k * STEP_BYTES);
            }
#pragma GCC unroll 16
            for (int r = 0; r < rows; r++) {
                __m512i x = _mm512_broadcastd_epi32(_mm_loadu_si32(in[r] + 4 * k));
#pragma GCC unroll 4
                for (int v = 0; v < vectors; v++) {
                    sum[r][v] = _mm512_dpbusd_epi32(sum[r][v], x, wv[v]);
                }
            }
        }
    }
#pragma GCC unroll 16
    for (int r = 0; r < rows; r++) {
#pragma GCC unroll 4
        for (int v = 0; v < vectors; v++) {
            if (q) {
                requantizeStore(&q[v], sum[r][v], out + (size_t) r * outStride + 16 * v);
            } else {
                _mm512_storeu_si512(acc + (size_t) r * accStride + 16 * v, sum[r][v]);
            }
        }
    }
}

/* All rows for a group of VECTORS channel vectors: tiles of ROWS pixels, then single pixels for the rest. */
#define GEMM_GROUP(VECTORS, ROWS)                                                                                  \
    static KERNEL void group##VECTORS(const uint8_t *input, const int32_t *pixels, int rows, const int32_t *taps,  \
            int tapCount, int depthSteps, const int8_t *weights, int vectorStride, const int32_t *bias,            \
            int32_t *acc, int accStride, const Requant *q, int8_t *out, int outStride) {                           \
        int m = 0;                                                                                                 \
        for (; m + ROWS <= rows; m += ROWS) {                                                                      \
            tile(input, pixels + m, ROWS, VECTORS, taps, tapCount, depthSteps, weights, vectorStride, bias,        \
                    acc + (size_t) m * accStride, accStride, q, out + (size_t) m * outStride, outStride);          \
        }                                                                                                          \
        for (; m < rows; m++) {                                                                                    \
            tile(input, pixels + m, 1, VECTORS, taps, tapCount, depthSteps, weights, vectorStride, bias,           \
                    acc + (size_t) m * accStride, accStride, q, out + (size_t) m * outStride, outStride);          \
        }                                                                                                          \
    }

GEMM_GROUP(1, 16)
GEMM_GROUP(2, 12)
GEMM_GROUP(3, 8)
GEMM_GROUP(4, 6)

/* acc or (requant != NULL) out; see NativeKernels.int8Gemm / int8GemmRequantized */
static KERNEL void int8Gemm(const uint8_t *input, const int32_t *pixels, int rows, const int32_t *taps,
        int tapCount, int depthSteps, const int8_t *packed, const int32_t *bias, int vectors, int32_t *acc,
        const int32_t *requant, int rounding, int zeroPoint, int min, int max, int channels, int8_t *out) {
    int vectorStride = tapCount * depthSteps * STEP_BYTES;
    int accStride = vectors * 16;
    /* channel groups outermost: a group's weights (at most 4 vectors x 9 taps x 16 steps x 64 B = 36 KB for a 3x3
       conv over 64 channels) stay in L1 while every pixel streams past */
    for (int v = 0; v < vectors;) {
        int group = vectors - v < 4 ? vectors - v : 4;
        const int8_t *w = packed + (size_t) v * vectorStride;
        Requant q[4];
        const Requant *qs = NULL;
        if (requant) {
            for (int g = 0; g < group; g++) {
                q[g] = requantOf(requant, accStride, 16 * (v + g), rounding, zeroPoint, min, max, channels);
            }
            qs = q;
        }
        int32_t *a = acc ? acc + 16 * v : NULL;
        int8_t *o = out ? out + 16 * v : NULL;
        switch (group) {
            case 1: group1(input, pixels, rows, taps, tapCount, depthSteps, w, vectorStride, bias + 16 * v, a, accStride, qs, o, channels); break;
            case 2: group2(input, pixels, rows, taps, tapCount, depthSteps, w, vectorStride, bias + 16 * v, a, accStride, qs, o, channels); break;
            case 3: group3(input, pixels, rows, taps, tapCount, depthSteps, w, vectorStride, bias + 16 * v, a, accStride, qs, o, channels); break;
            default: group4(input, pixels, rows, taps, tapCount, depthSteps, w, vectorStride, bias + 16 * v, a, accStride, qs, o, channels); break;
        }
        v += group;
    }
}

/*
 * DEPTHWISE_CONV_2D (depth multiplier 1) over the unsigned padded input, requantized: per output pixel and 16
 * channels, the taps' input bytes widened to int32 lanes times the int32 weights [tap][paddedChannels], added to
 * the corrected bias; then requantizeStore. The loads of the last vector may read past the last channel (the
 * padded input's slack); those lanes are never stored.
 */
static KERNEL void depthwise(const uint8_t *input, const int32_t *pixels, int rows, const int32_t *taps,
        int tapCount, const int32_t *weights, const int32_t *bias, int vectors, const int32_t *requant, int rounding,
        int zeroPoint, int min, int max, int channels, int8_t *out) {
    int stride = vectors * 16;
    for (int v = 0; v < vectors; v++) {
        Requant q = requantOf(requant, stride, 16 * v, rounding, zeroPoint, min, max, channels);
        __m512i b = _mm512_loadu_si512(bias + 16 * v);
        for (int m = 0; m < rows; m++) {
            const uint8_t *in = input + pixels[m] + 16 * v;
            __m512i acc = b;
            for (int t = 0; t < tapCount; t++) {
                __m512i x = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *) (in + taps[t])));
                acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(x, _mm512_loadu_si512(weights + t * stride + 16 * v)));
            }
            requantizeStore(&q, acc, out + (size_t) m * channels + 16 * v);
        }
    }
}

/* ---- block layers (docs/BLOCK-ARITHMETIC.md) ---------------------------------------------------------------- */

/* The largest byte of each 128-bit lane, in byte 0 of that lane. */
INLINE_KERNEL __m512i laneMaxBytes(__m512i v) {
    v = _mm512_max_epu8(v, _mm512_bsrli_epi128(v, 8));
    v = _mm512_max_epu8(v, _mm512_bsrli_epi128(v, 4));
    v = _mm512_max_epu8(v, _mm512_bsrli_epi128(v, 2));
    return _mm512_max_epu8(v, _mm512_bsrli_epi128(v, 1));
}

/*
 * BlockInputQuantizer for the native block conv: every pixel of n images [h][w][c] (int8 codes, zero point zp) into
 * the padded operand: per pixel (image n, row y, column x at padded index (n * hp + y + top) * wp + x + left) its
 * mantissas as unsigned bytes m + offset (cp per pixel), and per block of blockSize channels the exponent and the
 * sum of |m|. A block's exponent and mantissa row come from its largest |q - zp| through exponentOfMax / rowOfMax;
 * a row maps code q (index q + 128) to m + offset (tables: rows x 256 bytes), looked up 64 codes at a time with two
 * vpermi2b and a blend on the index's top bit.
 */
/* The mantissas (m + offset) of 64 codes q (index q ^ 0x80) by one table row of 256 bytes in four registers. */
INLINE_KERNEL __m512i lookup(__m512i index, const uint8_t *table) {
    __m512i low = _mm512_permutex2var_epi8(_mm512_loadu_si512(table), index, _mm512_loadu_si512(table + 64));
    __m512i high = _mm512_permutex2var_epi8(_mm512_loadu_si512(table + 128), index, _mm512_loadu_si512(table + 192));
    return _mm512_mask_blend_epi8(_mm512_movepi8_mask(index), low, high);
}

/*
 * One image row as a stream of 64 codes at a time (a pixel's channels, then the next pixel's: the padded copy holds
 * the row's pixels contiguously when cp == c), for blocks of L = 16, 32 or 64 codes that divide the channels: a
 * register holds 64 / L whole blocks. Their largest |q - zp| come out of the 128-bit lane maxima; every block gets
 * the lookup of its own row (skipping the blocks on the first block's row, a data-dependent branch, was slower).
 */
INLINE_KERNEL void quantizeRowStream(const int8_t *src, int bytes, int L, __m512i zp, __m512i zeroMantissa,
        const uint8_t *tables, const int32_t *exponentOfMax, const int32_t *rowOfMax, uint8_t *dst, int32_t *exp,
        int32_t *sumAbs) {
    __m512i flip = _mm512_set1_epi8((char) 0x80);
    /* byte j * L of the lane maxima into byte j */
    __m512i firsts = L == 16 ? _mm512_set1_epi32(0x30201000) : L == 32 ? _mm512_set1_epi32(0x2000)
            : _mm512_setzero_si512();
    /* after the sums below, block j's sum of |m| is in 64-bit lane j * L / 8 */
    __mmask8 blockSums = L == 16 ? 0x55 : L == 32 ? 0x11 : 0x01;
    for (int at = 0; at < bytes; at += 64) {
        int k = bytes - at < 64 ? bytes - at : 64;
        int blocks = k / L;
        __mmask64 lanes = k == 64 ? ~(__mmask64) 0 : (((__mmask64) 1 << k) - 1);
        __m512i q = _mm512_maskz_loadu_epi8(lanes, src + at);
        /* |q - zp| in [0, 255] as an unsigned byte: max - min of the signed bytes */
        __m512i m = laneMaxBytes(_mm512_sub_epi8(_mm512_max_epi8(q, zp), _mm512_min_epi8(q, zp)));
        if (L >= 32) {
            m = _mm512_max_epu8(m, _mm512_shuffle_i64x2(m, m, 0xB1)); /* 128-bit lane pairs */
        }
        if (L == 64) {
            m = _mm512_max_epu8(m, _mm512_shuffle_i64x2(m, m, 0x4E));
        }
        uint32_t maxima = (uint32_t) _mm_cvtsi128_si32(_mm512_castsi512_si128(_mm512_permutexvar_epi8(firsts, m)));
        __m512i index = _mm512_xor_si512(q, flip);
        __m512i u = lookup(index, tables + (size_t) rowOfMax[maxima & 0xFF] * 256);
        exp[0] = exponentOfMax[maxima & 0xFF];
        for (int j = 1; j < blocks; j++) {
            int max = (maxima >> (8 * j)) & 0xFF;
            exp[j] = exponentOfMax[max];
            u = _mm512_mask_mov_epi8(u, (((__mmask64) 1 << L) - 1) << (j * L),
                    lookup(index, tables + (size_t) rowOfMax[max] * 256));
        }
        _mm512_mask_storeu_epi8(dst + at, lanes, u);
        /* sums of |u - offset| = |m| per 8 bytes, then per block (lanes past k only reach blocks not stored) */
        __m512i sums = _mm512_sad_epu8(u, zeroMantissa);
        sums = _mm512_add_epi64(sums, _mm512_shuffle_epi32(sums, 0x4E));
        if (L >= 32) {
            sums = _mm512_add_epi64(sums, _mm512_shuffle_i64x2(sums, sums, 0xB1));
        }
        if (L == 64) {
            sums = _mm512_add_epi64(sums, _mm512_shuffle_i64x2(sums, sums, 0x4E));
        }
        _mm256_mask_storeu_epi32(sumAbs, (__mmask8) ((1u << blocks) - 1),
                _mm512_cvtepi64_epi32(_mm512_maskz_compress_epi64(blockSums, sums)));
        exp += blocks;
        sumAbs += blocks;
    }
}

/*
 * One image row of pixels of at most 8 channels in one block each (cp 4 or 8): 64 / cp pixels a register, each
 * spread from c to cp bytes apart (spread: the source byte of every lane, owner: its pixel, real: the lanes of real
 * channels). The pixels' largest |q - zp| come out of the cp-byte groups; one lookup serves every pixel of a row of
 * the tables (a register's pixels mostly share a few).
 */
INLINE_KERNEL void quantizeRowPixels(const int8_t *src, int w, int c, int cp, __m512i spread, __m512i owner,
        __mmask64 real, __m512i zp, __m512i zeroMantissa, const uint8_t *tables, const int32_t *exponentOfMax,
        const int32_t *rowOfMax, uint8_t *dst, int32_t *exp, int32_t *sumAbs) {
    __m512i flip = _mm512_set1_epi8((char) 0x80);
    /* byte i * cp into byte i */
    __m512i firsts = cp == 4 ? _mm512_set_epi32(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x3C383430, 0x2C282420,
            0x1C181410, 0x0C080400) : _mm512_set_epi32(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x38302820,
            0x18100800);
    int per = 64 / cp;
    for (int x = 0; x < w; x += per) {
        int pixels = w - x < per ? w - x : per;
        __mmask64 load = pixels * c == 64 ? ~(__mmask64) 0 : (((__mmask64) 1 << (pixels * c)) - 1);
        __mmask64 lanes = real & (pixels * cp == 64 ? ~(__mmask64) 0 : (((__mmask64) 1 << (pixels * cp)) - 1));
        __m512i q = _mm512_permutexvar_epi8(spread, _mm512_maskz_loadu_epi8(load, src + (size_t) x * c));
        __m512i d = _mm512_maskz_sub_epi8(lanes, _mm512_max_epi8(q, zp), _mm512_min_epi8(q, zp));
        if (cp == 4) {
            d = _mm512_max_epu8(d, _mm512_srli_epi32(d, 16));
            d = _mm512_max_epu8(d, _mm512_srli_epi32(d, 8));
        } else {
            d = _mm512_max_epu8(d, _mm512_srli_epi64(d, 32));
            d = _mm512_max_epu8(d, _mm512_srli_epi64(d, 16));
            d = _mm512_max_epu8(d, _mm512_srli_epi64(d, 8));
        }
        uint8_t maxima[16];
        uint8_t rows[16] = {0};
        _mm_storeu_si128((__m128i *) maxima, _mm512_castsi512_si128(_mm512_permutexvar_epi8(firsts, d)));
        for (int i = 0; i < pixels; i++) {
            rows[i] = (uint8_t) rowOfMax[maxima[i]];
            exp[x + i] = exponentOfMax[maxima[i]];
        }
        __m512i laneRow = _mm512_permutexvar_epi8(owner, _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *) rows)));
        __m512i index = _mm512_xor_si512(q, flip);
        __m512i u = zeroMantissa;
        for (__mmask64 left = lanes; left != 0;) {
            int row = rows[__builtin_ctzll(left) / cp];
            __mmask64 same = _mm512_mask_cmpeq_epi8_mask(left, laneRow, _mm512_set1_epi8((char) row));
            u = _mm512_mask_mov_epi8(u, same, lookup(index, tables + (size_t) row * 256));
            left &= ~same;
        }
        _mm512_mask_storeu_epi8(dst + (size_t) x * cp,
                pixels * cp == 64 ? ~(__mmask64) 0 : (((__mmask64) 1 << (pixels * cp)) - 1), u);
        /* sums of |m| = |u - offset| per pixel */
        __m512i magnitude = _mm512_sub_epi8(_mm512_max_epu8(u, zeroMantissa), _mm512_min_epu8(u, zeroMantissa));
        if (cp == 4) {
            _mm512_mask_storeu_epi32(sumAbs + x, (__mmask16) ((1u << pixels) - 1),
                    _mm512_dpbusd_epi32(_mm512_setzero_si512(), magnitude, _mm512_set1_epi8(1)));
        } else {
            _mm256_mask_storeu_epi32(sumAbs + x, (__mmask8) ((1u << pixels) - 1),
                    _mm512_cvtepi64_epi32(_mm512_sad_epu8(u, zeroMantissa)));
        }
    }
}

/*
 * Returns the largest term bound of any block of the batch, sum|m| * 2^max(0, e + maxShift) (maxShift: the largest
 * weight shift of the layer), saturated at 2^62: with it the conv can prove all its pixels exact at once; and in
 * minExponent the smallest exponent of a block that is not all zero (with it, that no alignment shifts right).
 */
static KERNEL long long quantizeBlocks(const int8_t *in, int n, int h, int w, int c, int blockSize, int zeroPoint,
        const uint8_t *tables, const int32_t *exponentOfMax, const int32_t *rowOfMax, int hp, int wp, int top,
        int left, int cp, int blocksPerPixel, int offset, int maxShift, uint8_t *mant, int32_t *exp,
        int32_t *sumAbs, int32_t *minExponent) {
    __m512i zp = _mm512_set1_epi8((char) zeroPoint);
    __m512i flip = _mm512_set1_epi8((char) 0x80);
    __m512i zeroMantissa = _mm512_set1_epi8((char) offset);
    /* a row of pixels is one stream of whole blocks */
    int stream = cp == c && c % blockSize == 0 && (blockSize == 16 || blockSize == 32 || blockSize == 64);
    /* or a few pixels of one block each in a register */
    int few = blockSize == c && (cp == 4 || cp == 8);
    uint8_t spreadBytes[64];
    uint8_t ownerBytes[64];
    __mmask64 real = 0;
    for (int b = 0; b < 64; b++) {
        int channel = few ? b % cp : 0;
        spreadBytes[b] = (uint8_t) (channel < c ? (b / cp) * c + channel : 0);
        ownerBytes[b] = (uint8_t) (few ? b / cp : 0);
        real |= channel < c ? (__mmask64) 1 << b : 0;
    }
    __m512i spread = _mm512_loadu_si512(spreadBytes);
    __m512i owner = _mm512_loadu_si512(ownerBytes);
    __m512i worst = _mm512_setzero_si512();
    __m256i least = _mm256_set1_epi32(1 << 30);
    __m512i shift = _mm512_set1_epi64(maxShift);
    for (int img = 0; img < n; img++) {
        for (int y = 0; y < h; y++) {
            size_t pixel0 = ((size_t) img * hp + y + top) * wp + left;
            const int8_t *row = in + ((size_t) img * h + y) * w * c;
            if (stream) {
                quantizeRowStream(row, w * c, blockSize, zp, zeroMantissa, tables, exponentOfMax, rowOfMax,
                        mant + pixel0 * cp, exp + pixel0 * blocksPerPixel, sumAbs + pixel0 * blocksPerPixel);
            } else if (few) {
                quantizeRowPixels(row, w, c, cp, spread, owner, real, zp, zeroMantissa, tables, exponentOfMax, rowOfMax,
                        mant + pixel0 * cp, exp + pixel0, sumAbs + pixel0);
            } else {
                for (int x = 0; x < w; x++) {
                    const int8_t *src = row + (size_t) x * c;
                    size_t pixel = pixel0 + x;
                    for (int lo = 0, b = 0; lo < c; lo += blockSize, b++) {
                        int len = c - lo < blockSize ? c - lo : blockSize;
                        int maxMag = 0;
                        for (int i = 0; i < len; i++) {
                            int d = src[lo + i] - zeroPoint;
                            d = d < 0 ? -d : d;
                            maxMag = d > maxMag ? d : maxMag;
                        }
                        const uint8_t *table = tables + (size_t) rowOfMax[maxMag] * 256;
                        long long magnitude = 0;
                        for (int at = 0; at < len; at += 64) {
                            int k = len - at < 64 ? len - at : 64;
                            __mmask64 lanes = k == 64 ? ~(__mmask64) 0 : (((__mmask64) 1 << k) - 1);
                            __m512i u = lookup(_mm512_xor_si512(_mm512_maskz_loadu_epi8(lanes, src + lo + at), flip),
                                    table);
                            _mm512_mask_storeu_epi8(mant + pixel * cp + lo + at, lanes, u);
                            __m512i sad = _mm512_sad_epu8(_mm512_mask_mov_epi8(zeroMantissa, lanes, u), zeroMantissa);
                            magnitude += _mm512_reduce_add_epi64(sad);
                        }
                        exp[pixel * blocksPerPixel + b] = exponentOfMax[maxMag];
                        sumAbs[pixel * blocksPerPixel + b] = (int32_t) magnitude;
                    }
                }
            }
            /* the row's bounds, 8 blocks at a time: 0 for an all-zero block, 2^62 past a shift of 40 */
            const int32_t *e = exp + pixel0 * blocksPerPixel;
            const int32_t *a = sumAbs + pixel0 * blocksPerPixel;
            for (int at = 0, count = w * blocksPerPixel; at < count; at += 8) {
                __mmask8 lanes = count - at >= 8 ? (__mmask8) 0xFF : (__mmask8) ((1u << (count - at)) - 1);
                __m256i e32 = _mm256_maskz_loadu_epi32(lanes, e + at);
                __m512i magnitude = _mm512_cvtepi32_epi64(_mm256_maskz_loadu_epi32(lanes, a + at));
                __mmask8 nonzero = _mm512_test_epi64_mask(magnitude, magnitude);
                __m512i k = _mm512_add_epi64(_mm512_cvtepi32_epi64(e32), shift);
                __m512i bound = _mm512_sllv_epi64(magnitude, _mm512_max_epi64(k, _mm512_setzero_si512()));
                bound = _mm512_mask_mov_epi64(bound, nonzero & _mm512_cmpgt_epi64_mask(k, _mm512_set1_epi64(40)),
                        _mm512_set1_epi64(1LL << 62));
                worst = _mm512_max_epi64(worst, bound);
                least = _mm256_mask_min_epi32(least, nonzero, least, e32);
            }
        }
    }
    *minExponent = _mm512_reduce_min_epi32(_mm512_inserti64x4(_mm512_set1_epi32(1 << 30), least, 0));
    return _mm512_reduce_max_epi64(worst);
}

/*
 * The per-layer constants of a native block conv (NativeBlockConv in Java). Segments are in steps of 4 input
 * channels; per (vector, tap, segment): the correction -offset * sum of the segment's weight mantissas per lane (the
 * unsigned input's offset), the weight shift e_w - lsb per lane, and the smallest shift over the lanes whose weight
 * segment is not all zero; per (tap, segment): the largest |weight mantissa| and the largest shift over all channels.
 */
typedef struct {
    int segments;
    const int32_t *segStart, *segEnd, *segInputBlock;
    const int32_t *correction, *shift;   /* [vector][tap][segment][16] */
    const int32_t *minShift;             /* [vector][tap][segment] */
    const int32_t *maxAbsWeight, *maxShift; /* [tap][segment] */
    long long limit;                     /* register max - the largest |bias| */
} BlockLayer;

/* Whether every aligned term of output pixel m is provably exact and cannot saturate: the sum over its taps and
   segments of  sum|m_in| * max|m_w| * 2^max(0, e_in + maxShift)  stays within the register past the bias. */
INLINE_KERNEL int inRange(const BlockLayer *L, const int32_t *exp, const int32_t *sumAbs, int blocksPerPixel,
        int pixel, const int32_t *taps, int tapCount) {
    long long bound = 0;
    for (int t = 0; t < tapCount; t++) {
        const int32_t *e = exp + (size_t) (pixel + taps[t]) * blocksPerPixel;
        const int32_t *a = sumAbs + (size_t) (pixel + taps[t]) * blocksPerPixel;
        for (int s = 0; s < L->segments; s++) {
            long long product = (long long) a[L->segInputBlock[s]] * L->maxAbsWeight[t * L->segments + s];
            if (product == 0) {
                continue;
            }
            int k = e[L->segInputBlock[s]] + L->maxShift[t * L->segments + s];
            if (k > 40) {
                return 0;
            }
            bound += k > 0 ? product << k : product;
            if (bound > L->limit) {
                return 0;
            }
        }
    }
    return 1;
}

/*
 * One (tap, segment) term of an output pixel, in the order a tile adds them: where its input mantissas (bytes) and
 * its input block's exponent and sum of |m| (ints) sit past the output pixel's own entries, where its weights start
 * in a vector's packed weights, its steps of 4 channels, and its index tap * segments + s into the per-(vector, tap,
 * segment) tables.
 */
typedef struct {
    int32_t mant, block, weights, steps, index;
} BlockTerm;

/* acc += the 4-byte dot products of x (unsigned) and w (signed): vpdpbusd as inline assembly, which ties acc to
   one register; from the intrinsic, GCC copies every running segment sum to a new register each step. */
INLINE_KERNEL void dpbusdInPlace(__m512i *acc, __m512i x, __m512i w) {
    __asm__("vpdpbusd %2, %1, %0" : "+v"(*acc) : "v"(x), "v"(w));
}

/*
 * A tile of ROWS output pixels by VECTORS vectors of 16 channels on block arithmetic: per term the exact segment
 * sums by vpdpbusd from the correction, then aligned into the running sums: a variable left shift per lane where
 * every contributing lane shifts left (always, when ALL_LEFT), else the rounding form (right shifts rounded half
 * away from zero, as AlignedAccumulator). inRange has shown that no term and no partial sum leaves the register, so
 * the sums equal the sequential saturating adds. correction, shift and minShift start at the tile's first vector;
 * a vector's entries are vectorTerms terms further. 2 * ROWS * VECTORS + VECTORS + 1 registers.
 */
INLINE_KERNEL void blockTile(const BlockTerm *terms, int termCount, const uint8_t *mant, int cp, const int32_t *exp,
        const int32_t *sumAbs, int blocksPerPixel, const int32_t *pixels, int rows, int vectors,
        const int8_t *weights, int vectorStride, const int32_t *correction, const int32_t *shift,
        const int32_t *minShift, int vectorTerms, const int32_t *bias, const Requant *q, int8_t *out, int outStride,
        int allLeft) {
    __m512i sum[12][4];
    __m512i seg[12][4];
    const uint8_t *in[12];
    const int32_t *pixelExp[12];
    const int32_t *pixelAbs[12];
#pragma GCC unroll 12
    for (int r = 0; r < rows; r++) {
        in[r] = mant + (size_t) pixels[r] * cp;
        pixelExp[r] = exp + (size_t) pixels[r] * blocksPerPixel;
        pixelAbs[r] = sumAbs + (size_t) pixels[r] * blocksPerPixel;
#pragma GCC unroll 4
        for (int v = 0; v < vectors; v++) {
            sum[r][v] = _mm512_loadu_si512(bias + 16 * v);
        }
    }
    for (int i = 0; i < termCount; i++) {
        const BlockTerm term = terms[i];
        int minExp = 1 << 30;
        if (!allLeft) {
#pragma GCC unroll 12
            for (int r = 0; r < rows; r++) {
                int e = pixelExp[r][term.block];
                minExp = pixelAbs[r][term.block] != 0 && e < minExp ? e : minExp;
            }
        }
        /* the first step from the correction, the others in a loop: every sum starts as its own value (GCC
           copies loop-carried registers that start as one) */
        const int8_t *wt = weights + term.weights;
        {
            __m512i wv[4];
            __m512i start[4];
#pragma GCC unroll 4
            for (int v = 0; v < vectors; v++) {
                start[v] = _mm512_loadu_si512(correction + ((size_t) v * vectorTerms + term.index) * 16);
                wv[v] = _mm512_loadu_si512(wt + (size_t) v * vectorStride);
            }
#pragma GCC unroll 12
            for (int r = 0; r < rows; r++) {
                __m512i x = _mm512_broadcastd_epi32(_mm_loadu_si32(in[r] + term.mant));
#pragma GCC unroll 4
                for (int v = 0; v < vectors; v++) {
                    seg[r][v] = _mm512_dpbusd_epi32(start[v], x, wv[v]);
                }
            }
        }
        for (int k = 1; k < term.steps; k++) {
            __m512i wv[4];
#pragma GCC unroll 4
            for (int v = 0; v < vectors; v++) {
                wv[v] = _mm512_loadu_si512(wt + (size_t) v * vectorStride + (size_t) k * STEP_BYTES);
            }
#pragma GCC unroll 12
            for (int r = 0; r < rows; r++) {
                __m512i x = _mm512_broadcastd_epi32(_mm_loadu_si32(in[r] + term.mant + 4 * k));
#pragma GCC unroll 4
                for (int v = 0; v < vectors; v++) {
                    dpbusdInPlace(&seg[r][v], x, wv[v]);
                }
            }
        }
#pragma GCC unroll 4
        for (int v = 0; v < vectors; v++) {
            size_t av = (size_t) v * vectorTerms + term.index;
            __m512i laneShift = _mm512_loadu_si512(shift + av * 16);
            if (allLeft || minExp + minShift[av] >= 0) {
#pragma GCC unroll 12
                for (int r = 0; r < rows; r++) {
                    __m512i k = _mm512_add_epi32(laneShift, _mm512_set1_epi32(pixelExp[r][term.block]));
                    sum[r][v] = _mm512_add_epi32(sum[r][v], _mm512_sllv_epi32(seg[r][v], k));
                }
            } else {
#pragma GCC unroll 12
                for (int r = 0; r < rows; r++) {
                    __m512i k = _mm512_add_epi32(laneShift, _mm512_set1_epi32(pixelExp[r][term.block]));
                    __m512i zero = _mm512_setzero_si512();
                    __m512i left = _mm512_max_epi32(k, zero);
                    __m512i right = _mm512_min_epi32(_mm512_max_epi32(_mm512_sub_epi32(zero, k), zero),
                            _mm512_set1_epi32(31));
                    __m512i magnitude = _mm512_abs_epi32(seg[r][v]);
                    __m512i half = _mm512_srli_epi32(_mm512_sllv_epi32(_mm512_set1_epi32(1), right), 1);
                    __m512i aligned = _mm512_srlv_epi32(_mm512_add_epi32(_mm512_sllv_epi32(magnitude, left), half),
                            right);
                    __mmask16 negative = _mm512_cmplt_epi32_mask(seg[r][v], zero);
                    sum[r][v] = _mm512_mask_sub_epi32(_mm512_add_epi32(sum[r][v], aligned), negative,
                            sum[r][v], aligned);
                }
            }
        }
    }
#pragma GCC unroll 12
    for (int r = 0; r < rows; r++) {
#pragma GCC unroll 4
        for (int v = 0; v < vectors; v++) {
            requantizeStore(&q[v], sum[r][v], out + (size_t) r * outStride + 16 * v);
        }
    }
}

/* The arguments every tile of a block conv shares. */
typedef struct {
    const BlockTerm *terms;
    int termCount;
    const uint8_t *mant;
    int cp;
    const int32_t *exp, *sumAbs;
    int blocksPerPixel;
    int vectorStride, vectorTerms;
} BlockConvArgs;

/* VECTORS vectors of channels over every output pixel that inRange proved, ROWS at a time where it can. */
#define BLOCK_GROUP(VECTORS, ROWS, ALL_LEFT)                                                                       \
    static KERNEL void blockGroup##VECTORS##_##ALL_LEFT(const BlockConvArgs *a, const int32_t *pixels, int rows,   \
            const int8_t *weights, const int32_t *correction, const int32_t *shift, const int32_t *minShift,      \
            const int32_t *bias, const Requant *q, int8_t *out, int outStride, const int8_t *failed) {            \
        int m = 0;                                                                                                 \
        for (; m + ROWS <= rows; m += ROWS) {                                                                      \
            int all = 1;                                                                                           \
            for (int r = 0; r < ROWS; r++) {                                                                       \
                all &= failed[m + r] == 0;                                                                         \
            }                                                                                                      \
            if (all) {                                                                                             \
                blockTile(a->terms, a->termCount, a->mant, a->cp, a->exp, a->sumAbs, a->blocksPerPixel,          \
                        pixels + m, ROWS, VECTORS, weights, a->vectorStride, correction, shift, minShift,          \
                        a->vectorTerms, bias, q, out + (size_t) m * outStride, outStride, ALL_LEFT);              \
                continue;                                                                                          \
            }                                                                                                      \
            for (int r = 0; r < ROWS; r++) {                                                                       \
                if (!failed[m + r]) {                                                                              \
                    blockTile(a->terms, a->termCount, a->mant, a->cp, a->exp, a->sumAbs, a->blocksPerPixel,      \
                            pixels + m + r, 1, VECTORS, weights, a->vectorStride, correction, shift, minShift,      \
                            a->vectorTerms, bias, q, out + (size_t) (m + r) * outStride, outStride, ALL_LEFT);     \
                }                                                                                                  \
            }                                                                                                      \
        }                                                                                                          \
        for (; m < rows; m++) {                                                                                    \
            if (!failed[m]) {                                                                                      \
                blockTile(a->terms, a->termCount, a->mant, a->cp, a->exp, a->sumAbs, a->blocksPerPixel,          \
                        pixels + m, 1, VECTORS, weights, a->vectorStride, correction, shift, minShift,             \
                        a->vectorTerms, bias, q, out + (size_t) m * outStride, outStride, ALL_LEFT);              \
            }                                                                                                      \
        }                                                                                                          \
    }

BLOCK_GROUP(1, 8, 1)
BLOCK_GROUP(2, 5, 1)
BLOCK_GROUP(3, 3, 1)
BLOCK_GROUP(4, 2, 1)
BLOCK_GROUP(1, 8, 0)
BLOCK_GROUP(2, 5, 0)
BLOCK_GROUP(3, 3, 0)
BLOCK_GROUP(4, 2, 0)

typedef void (*BlockGroup)(const BlockConvArgs *, const int32_t *, int, const int8_t *, const int32_t *,
        const int32_t *, const int32_t *, const int32_t *, const Requant *, int8_t *, int, const int8_t *);

/* terms: tapCount * segments entries (the caller's buffer) */
static KERNEL void blockConv(const BlockLayer *L, const uint8_t *mant, int cp, const int32_t *exp,
        const int32_t *sumAbs, int blocksPerPixel, const int32_t *pixels, int rows, const int32_t *taps, int tapCount,
        const int8_t *packed, int depthSteps, const int32_t *bias, int vectors, const int32_t *requant, int rounding,
        int zeroPoint, int min, int max, int channels, int8_t *out, int8_t *failed, int proven, int minExponent,
        BlockTerm *terms) {
    static const BlockGroup groups[2][4] = {
        {blockGroup1_0, blockGroup2_0, blockGroup3_0, blockGroup4_0},
        {blockGroup1_1, blockGroup2_1, blockGroup3_1, blockGroup4_1},
    };
    for (int m = 0; m < rows; m++) {
        failed[m] = (int8_t) (!proven && !inRange(L, exp, sumAbs, blocksPerPixel, pixels[m], taps, tapCount));
    }
    int termCount = tapCount * L->segments;
    for (int t = 0; t < tapCount; t++) {
        for (int s = 0; s < L->segments; s++) {
            BlockTerm *term = terms + t * L->segments + s;
            term->mant = taps[t] * cp + 4 * L->segStart[s];
            term->block = taps[t] * blocksPerPixel + L->segInputBlock[s];
            term->weights = (t * depthSteps + L->segStart[s]) * STEP_BYTES;
            term->steps = L->segEnd[s] - L->segStart[s];
            term->index = t * L->segments + s;
        }
    }
    BlockConvArgs a = {terms, termCount, mant, cp, exp, sumAbs, blocksPerPixel, tapCount * depthSteps * STEP_BYTES,
            termCount};
    int stride = vectors * 16;
    for (int v = 0; v < vectors;) {
        int group = vectors - v < 4 ? vectors - v : 4;
        Requant q[4];
        for (int g = 0; g < group; g++) {
            q[g] = requantOf(requant, stride, 16 * (v + g), rounding, zeroPoint, min, max, channels);
        }
        size_t at = (size_t) v * termCount;
        /* the rounding form only where some alignment of the group can shift right */
        int minShift = 1 << 30;
        for (size_t i = at; i < at + (size_t) group * termCount; i++) {
            minShift = L->minShift[i] < minShift ? L->minShift[i] : minShift;
        }
        int allLeft = (long long) minExponent + minShift >= 0;
        groups[allLeft][group - 1](&a, pixels, rows, packed + (size_t) v * a.vectorStride,
                L->correction + at * 16, L->shift + at * 16, L->minShift + at, bias + 16 * v, q, out + 16 * v,
                channels, failed);
        v += group;
    }
}

JNIEXPORT jlong JNICALL Java_io_bitsweep_eval_engine_exact_NativeKernels_quantizeBlocks(JNIEnv *env, jclass cls,
        jbyteArray input, jint inOffset, jint n, jint h, jint w, jint c, jint blockSize, jint zeroPoint,
        jbyteArray tables, jintArray exponentOfMax, jintArray rowOfMax, jint hp, jint wp, jint top, jint left,
        jint cp, jint blocksPerPixel, jint offset, jint maxShift, jbyteArray mantissas, jintArray exponents,
        jintArray sumAbs, jintArray minExponent) {
    (void) cls;
    long long worst = 1LL << 62;
    int8_t *in = (*env)->GetPrimitiveArrayCritical(env, input, NULL);
    uint8_t *tb = (*env)->GetPrimitiveArrayCritical(env, tables, NULL);
    int32_t *em = (*env)->GetPrimitiveArrayCritical(env, exponentOfMax, NULL);
    int32_t *rm = (*env)->GetPrimitiveArrayCritical(env, rowOfMax, NULL);
    uint8_t *mant = (*env)->GetPrimitiveArrayCritical(env, mantissas, NULL);
    int32_t *ex = (*env)->GetPrimitiveArrayCritical(env, exponents, NULL);
    int32_t *sa = (*env)->GetPrimitiveArrayCritical(env, sumAbs, NULL);
    int32_t *me = (*env)->GetPrimitiveArrayCritical(env, minExponent, NULL);
    if (in && tb && em && rm && mant && ex && sa && me) {
        worst = quantizeBlocks(in + inOffset, n, h, w, c, blockSize, zeroPoint, tb, em, rm, hp, wp, top, left, cp,
                blocksPerPixel, offset, maxShift, mant, ex, sa, me);
    }
    if (me) (*env)->ReleasePrimitiveArrayCritical(env, minExponent, me, 0);
    if (sa) (*env)->ReleasePrimitiveArrayCritical(env, sumAbs, sa, 0);
    if (ex) (*env)->ReleasePrimitiveArrayCritical(env, exponents, ex, 0);
    if (mant) (*env)->ReleasePrimitiveArrayCritical(env, mantissas, mant, 0);
    if (rm) (*env)->ReleasePrimitiveArrayCritical(env, rowOfMax, rm, JNI_ABORT);
    if (em) (*env)->ReleasePrimitiveArrayCritical(env, exponentOfMax, em, JNI_ABORT);
    if (tb) (*env)->ReleasePrimitiveArrayCritical(env, tables, tb, JNI_ABORT);
    if (in) (*env)->ReleasePrimitiveArrayCritical(env, input, in, JNI_ABORT);
    return worst;
}

/* layer: segments, then per-tap-segment and per-vector arrays packed in one int array (NativeBlockConv.layer) */
JNIEXPORT void JNICALL Java_io_bitsweep_eval_engine_exact_NativeKernels_blockConv(JNIEnv *env, jclass cls,
        jintArray layer, jint segments, jint vectors, jlong limit, jbyteArray mantissas, jint cp, jintArray exponents,
        jintArray sumAbs, jint blocksPerPixel, jintArray pixels, jint from, jint to, jintArray taps,
        jbyteArray packed, jint depthSteps, jintArray bias, jintArray requant, jint rounding, jint zeroPoint,
        jint min, jint max, jint channels, jbyteArray output, jint outOffset, jbyteArray failed, jboolean proven,
        jint minExponent) {
    (void) cls;
    jsize tapCount = (*env)->GetArrayLength(env, taps);
    int32_t *ly = (*env)->GetPrimitiveArrayCritical(env, layer, NULL);
    uint8_t *mant = (*env)->GetPrimitiveArrayCritical(env, mantissas, NULL);
    int32_t *ex = (*env)->GetPrimitiveArrayCritical(env, exponents, NULL);
    int32_t *sa = (*env)->GetPrimitiveArrayCritical(env, sumAbs, NULL);
    int32_t *px = (*env)->GetPrimitiveArrayCritical(env, pixels, NULL);
    int32_t *tp = (*env)->GetPrimitiveArrayCritical(env, taps, NULL);
    int8_t *w = (*env)->GetPrimitiveArrayCritical(env, packed, NULL);
    int32_t *b = (*env)->GetPrimitiveArrayCritical(env, bias, NULL);
    int32_t *q = (*env)->GetPrimitiveArrayCritical(env, requant, NULL);
    int8_t *out = (*env)->GetPrimitiveArrayCritical(env, output, NULL);
    int8_t *fl = (*env)->GetPrimitiveArrayCritical(env, failed, NULL);
    if (ly && mant && ex && sa && px && tp && w && b && q && out && fl) {
        size_t ts = (size_t) tapCount * segments;
        BlockLayer L;
        L.segments = segments;
        L.segStart = ly;
        L.segEnd = ly + segments;
        L.segInputBlock = ly + 2 * segments;
        L.maxAbsWeight = ly + 3 * segments;
        L.maxShift = L.maxAbsWeight + ts;
        L.minShift = L.maxShift + ts;
        L.correction = L.minShift + (size_t) vectors * ts;
        L.shift = L.correction + (size_t) vectors * ts * 16;
        L.limit = limit;
        BlockTerm *terms = malloc(ts * sizeof(BlockTerm));
        if (terms) {
            blockConv(&L, mant, cp, ex, sa, blocksPerPixel, px + from, to - from, tp, tapCount, w, depthSteps, b,
                    vectors, q, rounding, zeroPoint, min, max, channels, out + outOffset, fl + from, proven,
                    minExponent, terms);
            free(terms);
        } else {
            for (int m = 0; m < to - from; m++) {
                fl[from + m] = 1; /* no memory for the terms: every pixel to the exact path */
            }
        }
    }
    if (fl) (*env)->ReleasePrimitiveArrayCritical(env, failed, fl, 0);
    if (out) (*env)->ReleasePrimitiveArrayCritical(env, output, out, 0);
    if (q) (*env)->ReleasePrimitiveArrayCritical(env, requant, q, JNI_ABORT);
    if (b) (*env)->ReleasePrimitiveArrayCritical(env, bias, b, JNI_ABORT);
    if (w) (*env)->ReleasePrimitiveArrayCritical(env, packed, w, JNI_ABORT);
    if (tp) (*env)->ReleasePrimitiveArrayCritical(env, taps, tp, JNI_ABORT);
    if (px) (*env)->ReleasePrimitiveArrayCritical(env, pixels, px, JNI_ABORT);
    if (sa) (*env)->ReleasePrimitiveArrayCritical(env, sumAbs, sa, JNI_ABORT);
    if (ex) (*env)->ReleasePrimitiveArrayCritical(env, exponents, ex, JNI_ABORT);
    if (mant) (*env)->ReleasePrimitiveArrayCritical(env, mantissas, mant, JNI_ABORT);
    if (ly) (*env)->ReleasePrimitiveArrayCritical(env, layer, ly, JNI_ABORT);
}

JNIEXPORT void JNICALL Java_io_bitsweep_eval_engine_exact_NativeKernels_depthwise(JNIEnv *env, jclass cls,
        jbyteArray input, jintArray pixels, jint from, jint to, jintArray taps, jintArray weights, jintArray bias,
        jint vectors, jintArray requant, jint rounding, jint zeroPoint, jint min, jint max, jint channels,
        jbyteArray output, jint outOffset) {
    (void) cls;
    jsize tapCount = (*env)->GetArrayLength(env, taps);
    uint8_t *in = (*env)->GetPrimitiveArrayCritical(env, input, NULL);
    int32_t *px = (*env)->GetPrimitiveArrayCritical(env, pixels, NULL);
    int32_t *tp = (*env)->GetPrimitiveArrayCritical(env, taps, NULL);
    int32_t *w = (*env)->GetPrimitiveArrayCritical(env, weights, NULL);
    int32_t *b = (*env)->GetPrimitiveArrayCritical(env, bias, NULL);
    int32_t *q = (*env)->GetPrimitiveArrayCritical(env, requant, NULL);
    int8_t *out = (*env)->GetPrimitiveArrayCritical(env, output, NULL);
    if (in && px && tp && w && b && q && out) {
        depthwise(in, px + from, to - from, tp, tapCount, w, b, vectors, q, rounding, zeroPoint, min, max, channels,
                out + outOffset);
    }
    if (out) (*env)->ReleasePrimitiveArrayCritical(env, output, out, 0);
    if (q) (*env)->ReleasePrimitiveArrayCritical(env, requant, q, JNI_ABORT);
    if (b) (*env)->ReleasePrimitiveArrayCritical(env, bias, b, JNI_ABORT);
    if (w) (*env)->ReleasePrimitiveArrayCritical(env, weights, w, JNI_ABORT);
    if (tp) (*env)->ReleasePrimitiveArrayCritical(env, taps, tp, JNI_ABORT);
    if (px) (*env)->ReleasePrimitiveArrayCritical(env, pixels, px, JNI_ABORT);
    if (in) (*env)->ReleasePrimitiveArrayCritical(env, input, in, JNI_ABORT);
}

/* The one body of the two GEMM entry points: accumulators out (acc), or requantized bytes out (requant, output);
   the arrays a call does not use are NULL. */
static void int8GemmCall(JNIEnv *env, jbyteArray input, jintArray pixels, jint from, jint to, jintArray taps,
        jint depthSteps, jbyteArray packed, jintArray bias, jint vectors, jintArray acc, jintArray requant,
        jint rounding, jint zeroPoint, jint min, jint max, jint channels, jbyteArray output, jint outOffset) {
    jsize tapCount = (*env)->GetArrayLength(env, taps);
    uint8_t *in = (*env)->GetPrimitiveArrayCritical(env, input, NULL);
    int32_t *px = (*env)->GetPrimitiveArrayCritical(env, pixels, NULL);
    int32_t *tp = (*env)->GetPrimitiveArrayCritical(env, taps, NULL);
    int8_t *w = (*env)->GetPrimitiveArrayCritical(env, packed, NULL);
    int32_t *b = (*env)->GetPrimitiveArrayCritical(env, bias, NULL);
    int32_t *a = acc ? (*env)->GetPrimitiveArrayCritical(env, acc, NULL) : NULL;
    int32_t *q = requant ? (*env)->GetPrimitiveArrayCritical(env, requant, NULL) : NULL;
    int8_t *out = output ? (*env)->GetPrimitiveArrayCritical(env, output, NULL) : NULL;
    if (in && px && tp && w && b && (acc ? a != NULL : q && out)) {
        int8Gemm(in, px + from, to - from, tp, tapCount, depthSteps, w, b, vectors, a, q, rounding, zeroPoint, min,
                max, channels, out ? out + outOffset : NULL);
    }
    if (out) (*env)->ReleasePrimitiveArrayCritical(env, output, out, 0);
    if (q) (*env)->ReleasePrimitiveArrayCritical(env, requant, q, JNI_ABORT);
    if (a) (*env)->ReleasePrimitiveArrayCritical(env, acc, a, 0);
    if (b) (*env)->ReleasePrimitiveArrayCritical(env, bias, b, JNI_ABORT);
    if (w) (*env)->ReleasePrimitiveArrayCritical(env, packed, w, JNI_ABORT);
    if (tp) (*env)->ReleasePrimitiveArrayCritical(env, taps, tp, JNI_ABORT);
    if (px) (*env)->ReleasePrimitiveArrayCritical(env, pixels, px, JNI_ABORT);
    if (in) (*env)->ReleasePrimitiveArrayCritical(env, input, in, JNI_ABORT);
}

JNIEXPORT void JNICALL Java_io_bitsweep_eval_engine_exact_NativeKernels_int8Gemm(JNIEnv *env, jclass cls,
        jbyteArray input, jintArray pixels, jint from, jint to, jintArray taps, jint depthSteps, jbyteArray packed,
        jintArray bias, jint vectors, jintArray acc) {
    (void) cls;
    int8GemmCall(env, input, pixels, from, to, taps, depthSteps, packed, bias, vectors, acc, NULL, 0, 0, 0, 0, 0,
            NULL, 0);
}

JNIEXPORT void JNICALL Java_io_bitsweep_eval_engine_exact_NativeKernels_int8GemmRequantized(JNIEnv *env, jclass cls,
        jbyteArray input, jintArray pixels, jint from, jint to, jintArray taps, jint depthSteps, jbyteArray packed,
        jintArray bias, jint vectors, jintArray requant, jint rounding, jint zeroPoint, jint min, jint max,
        jint channels, jbyteArray output, jint outOffset) {
    (void) cls;
    int8GemmCall(env, input, pixels, from, to, taps, depthSteps, packed, bias, vectors, NULL, requant, rounding,
            zeroPoint, min, max, channels, output, outOffset);
}

/*
 * Int8Add with the native kernels: an ADD's output code is a function of its two input codes, which Java tabulates
 * by its scalar arithmetic once per set of ADD parameters (table[(a & 0xFF) << 8 | (b & 0xFF)], 3 bytes of slack for
 * the last 4-byte read); here 16 elements a register are one gather. The arithmetic itself (two 64-bit rescales per input and one
 * for the sum, 16 lanes as even and odd halves) was about 80 vector operations per 16 elements.
 */
static KERNEL void int8Add(const int8_t *a, const int8_t *b, int8_t *out, int count, const int8_t *table) {
    for (int i = 0; i < count; i += 16) {
        int left = count - i;
        __mmask16 lanes = left >= 16 ? (__mmask16) 0xFFFF : (__mmask16) ((1u << left) - 1);
        __m512i x1 = _mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(lanes, a + i));
        __m512i x2 = _mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(lanes, b + i));
        __m512i index = _mm512_or_si512(_mm512_slli_epi32(x1, 8), x2);
        __m512i v = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), lanes, index, table, 1);
        _mm512_mask_cvtepi32_storeu_epi8(out + i, lanes, v);
    }
}

JNIEXPORT void JNICALL Java_io_bitsweep_eval_engine_exact_NativeKernels_int8Add(JNIEnv *env, jclass cls,
        jbyteArray a, jbyteArray b, jbyteArray output, jint count, jbyteArray table) {
    (void) cls;
    int8_t *x1 = (*env)->GetPrimitiveArrayCritical(env, a, NULL);
    int8_t *x2 = (*env)->GetPrimitiveArrayCritical(env, b, NULL);
    int8_t *t = (*env)->GetPrimitiveArrayCritical(env, table, NULL);
    int8_t *out = (*env)->GetPrimitiveArrayCritical(env, output, NULL);
    if (x1 && x2 && t && out) {
        int8Add(x1, x2, out, count, t);
    }
    if (out) (*env)->ReleasePrimitiveArrayCritical(env, output, out, 0);
    if (t) (*env)->ReleasePrimitiveArrayCritical(env, table, t, JNI_ABORT);
    if (x2) (*env)->ReleasePrimitiveArrayCritical(env, b, x2, JNI_ABORT);
    if (x1) (*env)->ReleasePrimitiveArrayCritical(env, a, x1, JNI_ABORT);
}
