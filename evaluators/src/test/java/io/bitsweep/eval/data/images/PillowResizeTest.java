package io.bitsweep.eval.data.images;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The presets' stored pixels equal Pillow's, byte for byte: the SHA-256 of what Pillow 12.3.0 gives for the same
 * generated JPEGs (javax.imageio wrote them; Pillow decodes them to the same pixels as javax.imageio), recorded with
 * {@code Image.open(f).convert('RGB')}, then for torchvision-imagenet {@code resize((w', h'), Image.BILINEAR)} with
 * torchvision's Resize(256) size and a {@code crop} at torchvision's CenterCrop(224) offsets, and for keras-mobilenet
 * {@code resize((224, 224), Image.BILINEAR)}. Downscaling in both directions, and upscaling (50x40).
 */
class PillowResizeTest {
    @ParameterizedTest
    @CsvSource({
        "500, 375, 100, torchvision-imagenet, cd3e97da69cbed7b93bc3908c711a045e2d86b0c145c02820e4eef292097d3bf",
        "500, 375, 100, keras-mobilenet, 0b4da4201d6d4b60c947138b3bd57fbad508a19f9495a48e9c7f8a040298b8d1",
        "375, 500, 101, torchvision-imagenet, 677482955df90bd47fbece76b90839782daced34d5fc02898351d2fc9cea33ad",
        "375, 500, 101, keras-mobilenet, 8be67197f17731565ad29f5b7b71d48f06dbc6dee3eee453648aa4c0ce160958",
        "50, 40, 7, torchvision-imagenet, f935532f3f35d1dd110280f3d1d2b03056641481d0b54446cacdff1b23d1a2ff",
        "50, 40, 7, keras-mobilenet, 44f92b7714319b6c47a993f11158414dcb0f15979dedf19c56ec07d090e6691d",
    })
    void presetPixelsArePillows(int w, int h, long seed, String preset, String pillowSha256, @TempDir Path tmp)
            throws Exception {
        Path jpeg = TestPictures.write(TestPictures.rgb(w, h, seed), "jpg", tmp.resolve("p.jpg"));
        byte[] pixels = ImageDecoder.decode(Files.readAllBytes(jpeg), jpeg.toString(), ImagePreprocessing.preset(preset));
        assertEquals(224 * 224 * 3, pixels.length);
        assertEquals(pillowSha256, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(pixels)));
    }
}
