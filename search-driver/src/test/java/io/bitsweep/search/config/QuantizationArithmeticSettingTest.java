package io.bitsweep.search.config;

import static io.bitsweep.search.config.SearchConfigLoaderTest.error;
import static io.bitsweep.search.config.SearchConfigLoaderTest.load;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bitsweep.eval.engine.exact.Arithmetic;
import org.junit.jupiter.api.Test;

/** {@code quantization.arithmetic}: TFLite 2.6's by default (the shipped fronts), the reference kernels' on demand. */
class QuantizationArithmeticSettingTest {
    static final String BASE = "bitsweep.search { model = m.tflite, data = d }";

    @Test
    void defaultsToTflite26AndTakesTfliteMicro() {
        assertEquals(Arithmetic.TFLITE_2_6, load(BASE).quantization().arithmetic());
        assertEquals(Arithmetic.TFLITE_MICRO, load(BASE, "quantization.arithmetic=tflite-micro").quantization()
                .arithmetic());
        assertEquals(Arithmetic.TFLITE_2_6, load(BASE, "quantization.arithmetic=tflite-2.6").quantization()
                .arithmetic());
    }

    @Test
    void aBadValueNamesTheKeyAndTheAllowedValues() {
        assertEquals("bitsweep.search.quantization.arithmetic: bad value 'tflite-2.21' (allowed: tflite-2.6, "
                + "tflite-micro)", error(BASE, "quantization.arithmetic=tflite-2.21"));
        assertEquals("bitsweep.search.quantization.arithmetic: bad value 'tflite_micro' (allowed: tflite-2.6, "
                + "tflite-micro)", error(BASE, "quantization.arithmetic=tflite_micro"));
    }
}
