package io.bitsweep.search.config;

/**
 * Pre-screening of offspring ({@code bitsweep.search.prescreen}): each generation breeds {@code factor} times the
 * population, predicts every child's quality with the sensitivity profile's additive loss model refitted on the
 * candidates scored so far, and sends only the population's worth it ranks best to be scored.
 *
 * @param factor how many children are bred per child scored (at least 2 when on)
 */
public record PrescreenSettings(boolean enabled, int factor) {}
