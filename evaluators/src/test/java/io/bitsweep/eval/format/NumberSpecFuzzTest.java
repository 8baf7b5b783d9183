package io.bitsweep.eval.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bitsweep.eval.fuzz.ReaderProperty;
import io.bitsweep.eval.InputText;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target: number spec strings ({@link NumberFormat#parse(String)}, SpecParser), given as UTF-8 bytes so that
 * regression inputs are readable files. A rejected spec gets a one-line error naming the spec (quoted, as
 * {@link InputText} shows input) and the allowed forms; a parsed one has a canonical spec that parses back to the
 * same format.
 */
class NumberSpecFuzzTest {
    static Stream<Arguments> seeds() {
        return Stream.of("int8", "INT4:POT:ASYM", " int2 ", "int16:pot", "int8:asym", "bfp:b16:m4", "bfp:m4:b16:e8",
                "bfp:e4:m8:b256", "mxint8:b32", "mxint8:b16", "mxfp4_e2m1", "MXFP8_E4M3:B64", "mxfp8_e5m2",
                "mxfp6_e3m2", "mxfp6_e2m3", "pruned", "fp32", "int17", "bfp:m4")
                .map(spec -> Arguments.of(Named.of(spec, spec.getBytes(StandardCharsets.UTF_8))));
    }

    @Timeout(10)
    @MethodSource("seeds")
    @FuzzTest
    void parse(byte[] bytes) throws Exception {
        String spec = new String(bytes, StandardCharsets.UTF_8);
        String[] mustName = spec.isBlank()
                ? new String[] {"(allowed: "} : new String[] {"(allowed: ", InputText.quote(spec)};
        ReaderProperty.check(bytes.length, () -> {
            NumberFormat format = NumberFormat.parse(spec);
            assertEquals(format, NumberFormat.parse(format.spec()), "canonical spec " + format.spec());
        }, mustName);
    }
}
