package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.format.BlockFormat;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.model.ConvGeometry;
import io.bitsweep.eval.model.Padding;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Multiply-adds per second of the exact engine's layer kernels on one thread, for the layer shapes of the MLPerf
 * Tiny models (random codes; the arithmetic does not depend on them), batch {@link #batch}: {@code gemm} is the int8
 * GEMM alone (accumulators out), {@code conv} the whole int8 layer (padded input copy, GEMM, requantization),
 * {@code block} a BFP {@code bfp:m8:b16} layer (input block quantization, aligned segment sums, requantization).
 * The {@code macs} counter is the rate that matters: G MAC/s = macs / 1e9. It lives in the engine's package
 * because the kernels are package-private; it is a benchmark, not a test (bin/bench KernelBenchmark).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Thread)
public class KernelBenchmark {

    /** name: input H x W x C, output channels, kernel, stride. */
    @Param({"ic-conv1:32x32x16:16:3:1", "ic-conv4:16x16x32:32:3:1", "ic-conv7:8x8x64:64:3:1",
        "vww-pw1:48x48x8:16:1:1", "vww-pw7:6x6x128:128:1:1", "ad-fc0:1x1x640:128:1:1"})
    public String layer;

    @Param({"native", "java"})
    public String kernels;

    @Param({"8"})
    public int batch;

    /** The multiply-adds done, reported as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Macs {
        public long macs;

        @Setup(Level.Iteration)
        public void clean() {
            macs = 0;
        }
    }

    private ConvGeometry g;
    private int cout;
    private long macsPerRun;
    private Int8Conv2d conv;
    private Int8Gemm gemm;
    private PaddedInput padded;
    private BlockConv2d block;
    private byte[] in;
    private byte[] out;
    private int[] acc;

    @Setup(Level.Trial)
    public void setUp() {
        String[] p = layer.split(":");
        String[] hwc = p[1].split("x");
        cout = Integer.parseInt(p[2]);
        int k = Integer.parseInt(p[3]);
        int stride = Integer.parseInt(p[4]);
        g = ConvGeometry.of(Integer.parseInt(hwc[0]), Integer.parseInt(hwc[1]), Integer.parseInt(hwc[2]), k, k, stride,
                stride, 1, 1, Padding.SAME);
        macsPerRun = (long) batch * g.outH() * g.outW() * cout * k * k * g.inC();
        Kernels kind = Kernels.parse(kernels);
        SplittableRandom rnd = new SplittableRandom(1);
        byte[] w = new byte[cout * k * k * g.inC()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (byte) rnd.nextInt(-127, 128);
        }
        int[] bias = new int[cout];
        QuantizedMultiplier[] m = new QuantizedMultiplier[cout];
        for (int c = 0; c < cout; c++) {
            bias[c] = rnd.nextInt(-5000, 5000);
            m[c] = QuantizedMultiplier.of(Math.scalb(1 + rnd.nextDouble(), -12));
        }
        OutputStage stage = new OutputStage(m, cout, -3, -128, 127, RequantRounding.SINGLE, 32);
        in = new byte[batch * g.inH() * g.inW() * g.inC()];
        for (int i = 0; i < in.length; i++) {
            in[i] = (byte) rnd.nextInt(-128, 128);
        }
        out = new byte[batch * g.outH() * g.outW() * cout];
        conv = new Int8Conv2d(g, cout, w, bias, 5, stage, null, kind, batch);
        padded = new PaddedInput(g, NativeInt8Gemm.DEPTH_MULTIPLE, 5, PaddedInput.Form.UNSIGNED_BYTES, batch);
        padded.fill(in, batch);
        gemm = Int8Gemm.of(kind, w, cout, g.inC(), padded.channels(), padded.taps(), bias, 5, null);
        acc = new int[batch * g.outH() * g.outW() * gemm.paddedChannels()];
        float[] fw = new float[w.length];
        for (int i = 0; i < fw.length; i++) {
            fw[i] = (float) rnd.nextGaussian() * 0.05f;
        }
        BlockFormat bfp = (BlockFormat) NumberFormat.parse("bfp:m8:b16");
        BlockWeights bw = BlockWeights.quantize(bfp, fw, cout, k * k, g.inC(), new boolean[cout]);
        BlockInputQuantizer iq = new BlockInputQuantizer(bfp, 0.05f, 5);
        BlockChannels ch = new BlockChannels(bw, iq.operandScale(), new float[cout], 0.1f, 32);
        block = new BlockConv2d(g, bw, iq, ch, new AlignedAccumulator(32), new OutputStage(ch.multipliers, cout, -3,
                -128, 127, RequantRounding.DOUBLE, 32), kind, batch);
    }

    @Benchmark
    public int[] gemm(Macs counter) {
        gemm.multiply(padded.bytes(), padded.pixels(), 0, acc.length / gemm.paddedChannels(), acc);
        counter.macs += macsPerRun;
        return acc;
    }

    @Benchmark
    public byte[] conv(Macs counter) {
        conv.run(in, out, batch);
        counter.macs += macsPerRun;
        return out;
    }

    @Benchmark
    public byte[] block(Macs counter) {
        block.run(in, out, batch);
        counter.macs += macsPerRun;
        return out;
    }
}
