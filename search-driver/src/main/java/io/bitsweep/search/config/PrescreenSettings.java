package io.bitsweep.search.config;

/**
 * Pre-screening of offspring ({@code bitsweep.search.prescreen}): each generation breeds {@code factor} times the
 * population, predicts every child's quality with the sensitivity profile's additive loss model refitted on the
 * candidates scored so far, and sends only the population's worth it ranks best to be scored.
 *
 * @param factor how many children are bred per child scored (at least 2)
 */
public record PrescreenSettings(Mode mode, int factor) {
    /** auto: on when the search has a sensitivity profile (its model needs one); else off. */
    public enum Mode { AUTO, ON, OFF }

    /** Whether a search with this profile setting screens its offspring. */
    public boolean enabled(ProfileSettings profile) {
        return mode == Mode.ON || mode == Mode.AUTO && profile.enabled();
    }
}
