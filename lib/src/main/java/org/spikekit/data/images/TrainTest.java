package org.spikekit.data.images;

/**
 * The official training and test parts of an image data set, plus where they came from.
 *
 * @param record provenance of the file read (real or synthetic, path, checksum, how verified);
 *     null when read directly from a path without the resolver
 */
public record TrainTest(ImageSet train, ImageSet test, org.spikekit.data.DataRecord record) {
    public TrainTest {
        if (train.height() != test.height() || train.width() != test.width() || train.channels() != test.channels()
                || !train.classNames().equals(test.classNames())) {
            throw new IllegalArgumentException(train.name() + " and " + test.name() + " differ in image size or classes");
        }
    }

    public TrainTest(ImageSet train, ImageSet test) {
        this(train, test, null);
    }

    TrainTest withRecord(org.spikekit.data.DataRecord r) {
        return new TrainTest(train, test, r);
    }
}
