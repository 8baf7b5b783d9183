package io.bitsweep.eval.data.images;

import java.io.Serializable;

/**
 * One image of a folder: its sample id (the path relative to the folder, with '/'), its file and its label.
 */
public record ImageEntry(String id, String file, int label) implements Serializable {}
