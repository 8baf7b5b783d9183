/**
 * Image folders into shards ({@code bitsweep data convert --from image-folder}): listing the two layouts
 * ({@link io.bitsweep.eval.data.images.ImageFolder}), decoding and resizing on whichever JVM runs a shard's task
 * ({@link io.bitsweep.eval.data.images.ImageDecoder}, {@link io.bitsweep.eval.data.images.ImageShardTask}), and the
 * manifest once every shard is written ({@link io.bitsweep.eval.data.images.ImageFolderConversion}). No Spark here:
 * search-driver runs the tasks as a Spark job.
 */
package io.bitsweep.eval.data.images;
