package io.bitsweep.search.cli;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.Choices;
import io.bitsweep.eval.format.BlockFormat;
import io.bitsweep.eval.format.Fp32Format;
import io.bitsweep.eval.format.Granularity;
import io.bitsweep.eval.format.IntFormat;
import io.bitsweep.eval.format.Layout;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.format.Rounding;
import io.bitsweep.eval.io.Npy;
import io.bitsweep.eval.quant.QuantSettings;
import io.bitsweep.eval.quant.TensorRounding;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bitsweep quantize}: quantizes and dequantizes a float32 .npy with one number format, the conformance
 * surface of the format library. Block formats (BFP, MX) use blocks along the last axis (or {@code --axis});
 * integer formats use one scale per tensor, or per channel with {@code --per-channel AXIS}. For symmetric integer
 * formats the weight rounding methods of assignments apply too, each channel (or the tensor) being one row:
 * {@code --weight-scales mse|hessian} and {@code --weight-rounding gptq}, the latter two against {@code --hessian H.npy},
 * the second moment of the vectors the rows multiply.
 */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = "Quantize and dequantize a float32 .npy with a number format; write a float32 .npy of the same shape.")
public final class QuantizeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--format", required = true, paramLabel = "SPEC",
            description = "Number format, e.g. int8, int4:asym, int4:pot, bfp:m4:b16, mxint8, mxfp4_e2m1:b16, fp32, pruned.")
    String format;

    @Option(names = "--in", required = true, paramLabel = "X.npy", description = "Input: a float32 .npy (v1.0-3.0, C order).")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "Y.npy", description = "Output: float32 .npy of the same shape (written atomically).")
    Path out;

    @Option(names = "--round", paramLabel = "MODE", defaultValue = "nearest",
            description = "Rounding: nearest (ties away from zero), even (ties to even) or floor (toward zero). Default: ${DEFAULT-VALUE}.")
    String round;

    @Option(names = "--axis", paramLabel = "AXIS", defaultValue = "-1",
            description = "Block axis for bfp and mx formats; negative counts from the end. Default: ${DEFAULT-VALUE} (the last axis).")
    int axis;

    @Option(names = "--per-channel", paramLabel = "AXIS",
            description = "Integer formats: one scale per index along AXIS instead of one per tensor.")
    Integer channelAxis;

    @Option(names = "--weight-rounding", paramLabel = "nearest|gptq", defaultValue = "nearest",
            description = "Symmetric integer formats: round each element to nearest, or GPTQ error compensation "
                    + "along each row (channel, or the tensor) against --hessian. Default: ${DEFAULT-VALUE}.")
    String weightRounding;

    @Option(names = "--weight-scales", paramLabel = "minmax|mse|hessian", defaultValue = "minmax",
            description = "Symmetric integer formats: each row's clip is its max |x|, the least squared error clip, "
                    + "or the least H-weighted error clip (needs --hessian). Default: ${DEFAULT-VALUE}.")
    String weightScales;

    @Option(names = "--hessian", paramLabel = "H.npy",
            description = "With --weight-rounding gptq or --weight-scales hessian: a float32/float64 .npy [K, K], the "
                    + "second moment E[x xT] of the vectors each row of K elements multiplies.")
    Path hessian;

    @Override
    public Integer call() {
        NumberFormat fmt = parseFormat();
        Rounding rounding = parseRounding();
        Npy.Array array = Npy.read(in);
        if (array.dtype() != Npy.DType.FLOAT32) {
            throw new BitSweepException(in + ": dtype " + array.dtype().descr + " is not supported by quantize "
                    + "(allowed: float32 <f4; convert with x.astype(np.float32))");
        }
        float[] values = array.toFloats();
        if (!(fmt instanceof Fp32Format)) {
            requireFinite(values);
        }
        Layout layout = fmt.layout(array.shape(), granularity(fmt));
        QuantSettings.WeightRounding method = Choices.parse(QuantSettings.WeightRounding.class, weightRounding,
                "--weight-rounding");
        QuantSettings.WeightScales clip = Choices.parse(QuantSettings.WeightScales.class, weightScales,
                "--weight-scales");
        String how = rounding.id();
        if (method == QuantSettings.WeightRounding.NEAREST && clip == QuantSettings.WeightScales.MINMAX) {
            if (hessian != null) {
                throw new BitSweepException("--hessian applies to --weight-rounding gptq or --weight-scales hessian");
            }
            fmt.quantizeDequantize(values, values, layout, rounding);
        } else {
            roundRows(fmt, layout, values, method, clip);
            how = Choices.word(method) + ", " + Choices.word(clip) + " scales";
        }
        Npy.writeFloats(out, values, array.shape());
        PrintWriter w = spec.commandLine().getOut();
        w.printf("quantized %s to %s (%s, %s): %.4g bits/element, %d bytes packed -> %s%n",
                in, fmt, how, layout, fmt.bitsPerElement(), fmt.packedBytes(layout), out);
        w.flush();
        return 0;
    }

    /** The weight rounding methods: every group of the layout is one row. */
    private void roundRows(NumberFormat fmt, Layout layout, float[] values, QuantSettings.WeightRounding method,
            QuantSettings.WeightScales clip) {
        if (!(fmt instanceof IntFormat intFormat) || intFormat.asymmetric()) {
            throw new BitSweepException("--weight-rounding " + weightRounding + " / --weight-scales " + weightScales
                    + " apply to symmetric integer formats (allowed: int2..int16, with :pot), not " + fmt);
        }
        if (!"nearest".equals(round)) {
            throw new BitSweepException("--round " + round + ": the weight rounding methods round to nearest "
                    + "(allowed with --weight-rounding/--weight-scales: --round nearest)");
        }
        boolean needsH = method == QuantSettings.WeightRounding.GPTQ || clip == QuantSettings.WeightScales.HESSIAN;
        if (needsH && hessian == null) {
            throw new BitSweepException("--weight-rounding gptq and --weight-scales hessian need --hessian H.npy "
                    + "(the second moment E[x xT] of the vectors the rows multiply)");
        }
        if (!needsH && hessian != null) {
            throw new BitSweepException("--hessian applies to --weight-rounding gptq or --weight-scales hessian");
        }
        double[] h = null;
        if (needsH) {
            Npy.Array a = Npy.read(hessian);
            int k = layout.size() / Math.max(1, layout.groups());
            if (a.shape().length != 2 || a.shape()[0] != k || a.shape()[1] != k) {
                throw new BitSweepException("--hessian " + hessian + ": shape " + Arrays.toString(a.shape())
                        + " does not fit the rows of " + in + ": " + layout.groups() + " rows of " + k + " elements "
                        + "(allowed: [" + k + ", " + k + "])");
            }
            h = Npy.toDoubles(a, hessian);
        }
        TensorRounding.quantizeDequantize(values, layout, intFormat, clip, method, h, "--hessian " + hessian,
                values);
    }

    private NumberFormat parseFormat() {
        try {
            return NumberFormat.parse(format, "--format");
        } catch (BitSweepException e) {
            throw UsageError.of(spec, e.getMessage());
        }
    }

    private Rounding parseRounding() {
        try {
            return Rounding.parse(round);
        } catch (BitSweepException e) {
            throw UsageError.of(spec, "--round: " + e.getMessage());
        }
    }

    private Granularity granularity(NumberFormat fmt) {
        if (fmt instanceof BlockFormat) {
            if (channelAxis != null) {
                throw UsageError.of(spec, "--per-channel applies to integer formats; " + fmt
                        + " shares one exponent per block (use --axis to choose the block axis)");
            }
            return Granularity.blocks(axis);
        }
        return channelAxis == null ? Granularity.perTensor() : Granularity.perChannel(channelAxis);
    }

    private void requireFinite(float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new BitSweepException(in + ": element " + i + " is " + values[i] + "; " + format
                        + " needs finite values (only fp32 passes NaN and infinity through)");
            }
        }
    }
}
