package io.bitsweep.eval.bench;

import io.bitsweep.eval.format.BlockFormat;
import io.bitsweep.eval.format.Granularity;
import io.bitsweep.eval.format.Layout;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.format.QuantizedTensor;
import io.bitsweep.eval.format.Rounding;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost of quantizing one candidate's weights: all weight tensors of MLPerf Tiny ResNet-8 (IC; about 78k weights in
 * 9 conv/FC layers), per output channel for integer formats and in blocks along the reduction axis for BFP/MX.
 * Run: {@code ./mvnw -B -o -q -pl evaluators -am test-compile} then
 * {@code java -cp "evaluators/target/test-classes:evaluators/target/classes:$(cat cp.txt)" org.openjdk.jmh.Main FormatQuantizeBenchmark}
 * (see docs/FORMATS.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class FormatQuantizeBenchmark {
    /** ResNet-8 weight shapes [Cout, kh, kw, Cin] and the FC [out, in]. */
    static final int[][] RESNET8 = {
            {16, 3, 3, 3}, {16, 3, 3, 16}, {16, 3, 3, 16}, {32, 3, 3, 16}, {32, 3, 3, 32}, {32, 1, 1, 16},
            {64, 3, 3, 32}, {64, 3, 3, 64}, {64, 1, 1, 32}, {10, 64}};

    @Param({"int8", "int4:pot", "bfp:m4:b16", "mxint8", "mxfp4_e2m1", "mxfp8_e4m3"})
    public String spec;

    NumberFormat format;
    float[][] weights;
    float[][] dequantized;
    Layout[] layouts;
    QuantizedTensor[] integers;

    @Setup
    public void setup() {
        format = NumberFormat.parse(spec);
        Random rnd = new Random(1);
        int n = RESNET8.length;
        weights = new float[n][];
        dequantized = new float[n][];
        layouts = new Layout[n];
        integers = new QuantizedTensor[n];
        for (int t = 0; t < n; t++) {
            Granularity g = format instanceof BlockFormat ? Granularity.blocks(-1) : Granularity.perChannel(0);
            layouts[t] = format.layout(RESNET8[t], g);
            weights[t] = new float[layouts[t].size()];
            for (int i = 0; i < weights[t].length; i++) {
                weights[t][i] = (float) (rnd.nextGaussian() * 0.1);
            }
            dequantized[t] = new float[weights[t].length];
            integers[t] = QuantizedTensor.forLayout(layouts[t]);
        }
    }

    @Benchmark
    public void quantizeDequantizeAllWeights(Blackhole bh) {
        for (int t = 0; t < weights.length; t++) {
            format.quantizeDequantize(weights[t], dequantized[t], layouts[t], Rounding.NEAREST);
        }
        bh.consume(dequantized);
    }

    @Benchmark
    public void quantizeToIntegersAllWeights(Blackhole bh) {
        for (int t = 0; t < weights.length; t++) {
            format.quantize(weights[t], layouts[t], Rounding.NEAREST, integers[t]);
        }
        bh.consume(integers);
    }
}
