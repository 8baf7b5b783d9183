package io.bitsweep.search.config;

import java.util.regex.Pattern;

/**
 * The grammar of Number spec strings (CONTRACTS.md), so that a typo in a search config fails when the config is
 * read, naming its HOCON path, rather than on an executor. The formats themselves (bits, quantization) belong to
 * io.bitsweep.eval; this only checks the shape.
 */
final class SpecSyntax {
    private static final Pattern SPEC = Pattern.compile(
            "int(1[0-6]|[2-9])(:asym|:pot)*"
                    + "|pruned|fp32"
                    + "|bfp:m([2-9]|1[0-6])(:b([4-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-6]))?(:e[4-8])?"
                    + "|(mxint8|mxfp8_e4m3|mxfp8_e5m2|mxfp6_e3m2|mxfp6_e2m3|mxfp4_e2m1)(:b[1-9][0-9]*)?");

    static final String ALLOWED = "int2..int16[:asym|:pot], pruned, fp32, bfp:m<2..16>[:b<4..256>][:e<4..8>], "
            + "mxint8, mxfp8_e4m3, mxfp8_e5m2, mxfp6_e3m2, mxfp6_e2m3, mxfp4_e2m1 [:b<N>]";

    private SpecSyntax() {}

    static boolean isValid(String spec) {
        return SPEC.matcher(spec).matches();
    }

    static boolean isBfpWithoutBlock(String spec) {
        return spec.startsWith("bfp:") && !spec.contains(":b");
    }
}
