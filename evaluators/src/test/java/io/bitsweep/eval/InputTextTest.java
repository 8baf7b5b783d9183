package io.bitsweep.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InputTextTest {
    @Test
    void plainTextIsQuotedAsIs() {
        assertEquals("'int8:asym'", InputText.quote("int8:asym"));
        assertEquals("''", InputText.quote(""));
    }

    @Test
    void lineBreaksAndControlCharactersAreEscaped() {
        assertEquals("'a\\nb\\rc\\td'", InputText.quote("a\nb\rc\td"));
        assertEquals("'\\u0000\\u001b\\u0085\\u2028\\u2029'", InputText.quote("\0\u001b\u0085\u2028\u2029"));
        assertEquals("'é€😀'", InputText.quote("é€😀"));
    }

    @Test
    void longTextIsCutWithItsLength() {
        String quoted = InputText.quote("x".repeat(500));
        assertEquals("'" + "x".repeat(InputText.MAX_SHOWN) + "'... (500 characters)", quoted);
        // a surrogate pair straddling the cut is left out whole
        String pairAtCut = "x".repeat(InputText.MAX_SHOWN - 1) + "😀" + "y";
        assertEquals("'" + "x".repeat(InputText.MAX_SHOWN - 1) + "'... (" + pairAtCut.length() + " characters)",
                InputText.quote(pairAtCut));
    }

    @Test
    void oneLineEscapesAMessageWithoutQuotes() {
        assertEquals("Unexpected end of input\\nat byte 12", InputText.oneLine("Unexpected end of input\nat byte 12"));
        assertEquals("y".repeat(InputText.MAX_SHOWN) + "... (300 characters)", InputText.oneLine("y".repeat(300)));
    }
}
