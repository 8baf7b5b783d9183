package io.bitsweep.search.config;

/**
 * The sensitivity profile before generation 0 ({@code bitsweep.search.profile}).
 *
 * @param samples how many samples of the evaluation order the profile scores (a stratified prefix); -1: all
 */
public record ProfileSettings(boolean enabled, int samples) {}
