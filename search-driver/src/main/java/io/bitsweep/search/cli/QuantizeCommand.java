package io.bitsweep.search.cli;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.format.BlockFormat;
import io.bitsweep.eval.format.Fp32Format;
import io.bitsweep.eval.format.Granularity;
import io.bitsweep.eval.format.Layout;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.format.Rounding;
import io.bitsweep.eval.io.Npy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bitsweep quantize}: quantizes and dequantizes a float32 .npy with one number format, the conformance
 * surface of the format library. Block formats (BFP, MX) use blocks along the last axis (or {@code --axis});
 * integer formats use one scale per tensor, or per channel with {@code --per-channel AXIS}.
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
        fmt.quantizeDequantize(values, values, layout, rounding);
        Npy.writeFloats(out, values, array.shape());
        PrintWriter w = spec.commandLine().getOut();
        w.printf("quantized %s to %s (%s, %s): %.4g bits/element, %d bytes packed -> %s%n",
                in, fmt, rounding.id(), layout, fmt.bitsPerElement(), fmt.packedBytes(layout), out);
        w.flush();
        return 0;
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
