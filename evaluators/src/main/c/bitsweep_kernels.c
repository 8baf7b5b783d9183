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

#define KERNEL __attribute__((target("avx512f,avx512bw,avx512vnni")))
#define INLINE_KERNEL static inline __attribute__((always_inline, target("avx512f,avx512bw,avx512vnni")))

/* Bytes of packed weights per reduction step (4 input channels) of one vector of 16 output channels. */
#define STEP_BYTES 64

JNIEXPORT jboolean JNICALL Java_io_bitsweep_eval_engine_exact_NativeKernels_cpuSupported(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
            && __builtin_cpu_supports("avx512vnni");
}

/*
 * A register tile: ROWS output pixels by VECTORS vectors of 16 output channels, over every tap and depth step.
 * Per step one weight load per vector serves every pixel, one 4-byte broadcast per pixel serves every vector.
 * ROWS * VECTORS accumulators + VECTORS weights + 1 broadcast stay within the 32 zmm registers.
 */
INLINE_KERNEL void tile(const uint8_t *input, const int32_t *pixels, int rows, int vectors, const int32_t *taps,
        int tapCount, int depthSteps, const int8_t *weights, int vectorStride, const int32_t *bias, int32_t *acc,
        int accStride) {
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
            _mm512_storeu_si512(acc + (size_t) r * accStride + 16 * v, sum[r][v]);
        }
    }
}

/* All rows for a group of VECTORS channel vectors: tiles of ROWS pixels, then single pixels for the rest. */
#define GEMM_GROUP(VECTORS, ROWS)                                                                                  \
    static KERNEL void group##VECTORS(const uint8_t *input, const int32_t *pixels, int rows, const int32_t *taps,  \
            int tapCount, int depthSteps, const int8_t *weights, int vectorStride, const int32_t *bias,            \
            int32_t *acc, int accStride) {                                                                         \
        int m = 0;                                                                                                 \
        for (; m + ROWS <= rows; m += ROWS) {                                                                      \
            tile(input, pixels + m, ROWS, VECTORS, taps, tapCount, depthSteps, weights, vectorStride, bias,        \
                    acc + (size_t) m * accStride, accStride);                                                      \
        }                                                                                                          \
        for (; m < rows; m++) {                                                                                    \
            tile(input, pixels + m, 1, VECTORS, taps, tapCount, depthSteps, weights, vectorStride, bias,           \
                    acc + (size_t) m * accStride, accStride);                                                      \
        }                                                                                                          \
    }

GEMM_GROUP(1, 16)
GEMM_GROUP(2, 12)
GEMM_GROUP(3, 8)
GEMM_GROUP(4, 6)

static KERNEL void int8Gemm(const uint8_t *input, const int32_t *pixels, int rows, const int32_t *taps,
        int tapCount, int depthSteps, const int8_t *packed, const int32_t *bias, int vectors, int32_t *acc) {
    int vectorStride = tapCount * depthSteps * STEP_BYTES;
    int accStride = vectors * 16;
    /* channel groups outermost: a group's weights (at most 4 vectors x 9 taps x 16 steps x 64 B = 36 KB for a 3x3
       conv over 64 channels) stay in L1 while every pixel streams past */
    for (int v = 0; v < vectors;) {
        int group = vectors - v < 4 ? vectors - v : 4;
        const int8_t *w = packed + (size_t) v * vectorStride;
        switch (group) {
            case 1: group1(input, pixels, rows, taps, tapCount, depthSteps, w, vectorStride, bias + 16 * v, acc + 16 * v, accStride); break;
            case 2: group2(input, pixels, rows, taps, tapCount, depthSteps, w, vectorStride, bias + 16 * v, acc + 16 * v, accStride); break;
            case 3: group3(input, pixels, rows, taps, tapCount, depthSteps, w, vectorStride, bias + 16 * v, acc + 16 * v, accStride); break;
            default: group4(input, pixels, rows, taps, tapCount, depthSteps, w, vectorStride, bias + 16 * v, acc + 16 * v, accStride); break;
        }
        v += group;
    }
}

JNIEXPORT void JNICALL Java_io_bitsweep_eval_engine_exact_NativeKernels_int8Gemm(JNIEnv *env, jclass cls,
        jbyteArray input, jintArray pixels, jint from, jint to, jintArray taps, jint depthSteps, jbyteArray packed,
        jintArray bias, jint vectors, jintArray acc) {
    (void) cls;
    jsize tapCount = (*env)->GetArrayLength(env, taps);
    uint8_t *in = (*env)->GetPrimitiveArrayCritical(env, input, NULL);
    int32_t *px = (*env)->GetPrimitiveArrayCritical(env, pixels, NULL);
    int32_t *tp = (*env)->GetPrimitiveArrayCritical(env, taps, NULL);
    int8_t *w = (*env)->GetPrimitiveArrayCritical(env, packed, NULL);
    int32_t *b = (*env)->GetPrimitiveArrayCritical(env, bias, NULL);
    int32_t *out = (*env)->GetPrimitiveArrayCritical(env, acc, NULL);
    if (in && px && tp && w && b && out) {
        int8Gemm(in, px + from, to - from, tp, tapCount, depthSteps, w, b, vectors, out);
    }
    if (out) (*env)->ReleasePrimitiveArrayCritical(env, acc, out, 0);
    if (b) (*env)->ReleasePrimitiveArrayCritical(env, bias, b, JNI_ABORT);
    if (w) (*env)->ReleasePrimitiveArrayCritical(env, packed, w, JNI_ABORT);
    if (tp) (*env)->ReleasePrimitiveArrayCritical(env, taps, tp, JNI_ABORT);
    if (px) (*env)->ReleasePrimitiveArrayCritical(env, pixels, px, JNI_ABORT);
    if (in) (*env)->ReleasePrimitiveArrayCritical(env, input, in, JNI_ABORT);
}
