package io.bitsweep.eval.data;

/** The tasks: the four MLPerf Tiny ones, Fashion-MNIST and image folders. Each fixes the data preprocessing and the metric. */
public enum TaskKind {
    /** Image classification, CIFAR-10, ResNet-8: raw 0..255 floats; top-1. */
    IC,
    /** Visual wake words, MobileNetV1-0.25: u8/255; top-1. */
    VWW,
    /** Keyword spotting, DS-CNN: int8 MFCC dequantized with the int8 model's input parameters; top-1. */
    KWS,
    /** Anomaly detection, FC autoencoder: 5-frame windows; score = mean MSE over windows; ROC AUC. */
    AD,
    /** Fashion-MNIST (IDX files), 28x28 grayscale padded to 32x32, u8/255; top-1. */
    FMNIST,
    /** Pictures converted from an image folder (e.g. ImageNet), scaled as the conversion recorded; top-1. */
    IMAGES
}
