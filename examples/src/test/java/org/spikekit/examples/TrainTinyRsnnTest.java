package org.spikekit.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The README's example, on a small synthetic session: it must learn (an untrained tinyRSNN scores below 0). */
class TrainTinyRsnnTest {
    @Test
    void tinyRsnnLearnsTheSyntheticSession() {
        double r2 = TrainTinyRsnn.trainAndTest(30, 10, 8);
        System.out.printf("TrainTinyRsnn on 30 s, 10 epochs, batch 8: test R2 %.3f%n", r2);
        assertTrue(r2 > 0.15, "test R2 of the trained tinyRSNN: " + r2);
    }
}
