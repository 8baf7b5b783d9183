/*
 * BitSweep's integer kernels in C99, the arithmetic of the exact engine (docs/EXPORT.md). Written by
 * `bitsweep export --format c`; the same file for every model. No dynamic allocation: every buffer is a slice of
 * the caller's arena. Assumes two's complement integers with arithmetic right shifts of negative values (gcc,
 * clang, arm-none-eabi-gcc) and IEEE single-precision float without fast-math (tflite-2.6 softmax only).
 */
#ifndef BITSWEEP_KERNELS_H
#define BITSWEEP_KERNELS_H

#include <stdint.h>

/* How an int32 accumulator is scaled by a (multiplier, shift) pair. */
enum {
    BS_ROUND_DOUBLE = 0, /* SaturatingRoundingDoublingHighMul, then RoundingDivideByPOT (TFLite's reference) */
    BS_ROUND_SINGLE = 1, /* one 64-bit rounding, ties up (ruy; TFLITE_SINGLE_ROUNDING) */
    BS_ROUND_SHIFT = 2   /* power-of-two multipliers (2^30) as a shift alone; others as BS_ROUND_DOUBLE */
};

/*
 * A CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED layer (a fully connected layer is a 1x1 convolution of a 1x1
 * image). Weights are two's complement codes of `bits` bits, packed LSB first, channel after channel
 * ([out channel][ky][kx][live input channel]; depthwise [channel][ky][kx]); a pruned channel (0 bits) has none.
 * Per-channel parameters (bias, multiplier, shift, shortcut multiplier and shift) exist for computed channels
 * only: every channel of a layer with a residual ADD fused into it, else the channels that are not pruned.
 */
typedef struct {
    int32_t in_h, in_w, in_c, out_h, out_w, out_c;
    int32_t k_h, k_w, stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left, depth_multiplier;
    int32_t input_offset;                /* minus the input zero point */
    int32_t output_zero_point, act_min, act_max;
    int32_t rounding, accumulator_bits;
    const uint8_t *codes;
    const uint8_t *widths;               /* bits per output channel (0: pruned), or NULL: every channel `width` */
    int32_t width;
    const uint16_t *live_inputs;         /* the input channels read (the others hold a pruned constant), or NULL */
    int32_t live_count;                  /* input channels read per tap */
    const int32_t *bias;                 /* or NULL */
    const int32_t *multiplier;           /* or NULL: every multiplier is 2^30 and `rounding` BS_ROUND_SHIFT */
    const int8_t *shift;
    int32_t shortcut_offset;             /* residual fusion: minus the shortcut's zero point */
    const int32_t *shortcut_multiplier;  /* residual fusion: shortcut to accumulator units, or NULL */
    const int8_t *shortcut_shift;
} bs_layer;

/* ADD of two int8 tensors of one shape: TFLite's int8 ADD (inputs << 20, rescaled, summed, rescaled). */
typedef struct {
    int32_t input1_offset, input1_multiplier, input1_shift;
    int32_t input2_offset, input2_multiplier, input2_shift;
    int32_t output_multiplier, output_shift, output_zero_point, act_min, act_max;
} bs_add_params;

typedef struct {
    int32_t in_h, in_w, channels, out_h, out_w, k_h, k_w, stride_h, stride_w, pad_top, pad_left;
    int32_t act_min, act_max;
} bs_pool_params;

/* tflite-2.6 SOFTMAX: the optimized kernel's float table, table[255 - d] = expf(-input_scale * beta * d). */
typedef struct {
    const float *table;
    float output_scale;
    int32_t output_zero_point, row_length;
} bs_softmax_table_params;

/* tflite-micro SOFTMAX: the reference kernel in gemmlowp fixed point; output scale 1/256, zero point -128. */
typedef struct {
    int32_t input_multiplier, input_left_shift, diff_min, row_length;
} bs_softmax_fixed_params;

typedef struct {
    int32_t input_zero_point, multiplier, shift, output_zero_point, rounding;
} bs_requantize_params;

void bs_conv2d(const bs_layer *l, const int8_t *in, int8_t *out, const int8_t *shortcut, int8_t *scratch);
void bs_depthwise_conv2d(const bs_layer *l, const int8_t *in, int8_t *out, const int8_t *shortcut,
                         int8_t *scratch);
void bs_add(const bs_add_params *p, const int8_t *a, const int8_t *b, int8_t *out, int32_t n);
void bs_average_pool(const bs_pool_params *p, const int8_t *in, int8_t *out);
void bs_max_pool(const bs_pool_params *p, const int8_t *in, int8_t *out);
void bs_softmax_table(const bs_softmax_table_params *p, const int8_t *in, int8_t *out, int32_t n);
void bs_softmax_fixed(const bs_softmax_fixed_params *p, const int8_t *in, int8_t *out, int32_t n);
void bs_requantize(const bs_requantize_params *p, const int8_t *in, int8_t *out, int32_t n);

#endif
