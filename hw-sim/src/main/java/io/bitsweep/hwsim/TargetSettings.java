package io.bitsweep.hwsim;

/** What the typed settings of every target kind carry: the fields behind {@link Target}'s identity accessors. */
interface TargetSettings {
    String name();

    String description();

    double clockHz();
}
