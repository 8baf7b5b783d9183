package io.bitsweep.eval.engine.fp;

/** One compiled op of the float engine: reads and writes buffers fixed at compile time, allocates nothing. */
interface Kernel {
    void run();
}
