package io.bitsweep.hwsim;
final class Placeholder {}
