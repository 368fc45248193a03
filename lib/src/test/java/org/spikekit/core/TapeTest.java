package org.spikekit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.spikekit.compute.Backend;
import org.spikekit.compute.CpuBackend;
import org.spikekit.compute.Tensor;

class TapeTest {
    private final Backend be = new CpuBackend();

    @Test
    void sideOutputsAndTheirGradients() {
        Tape tape = Tape.training(42);
        assertEquals(42, tape.seed());
        Tensor s = be.zeros(2, 3);
        tape.publish("spikes", s);
        assertSame(s, tape.output("spikes"));
        assertNull(tape.output("other"));
        assertNull(tape.gradient("spikes"));
        Tensor g = be.zeros(2, 3);
        tape.addGradient("spikes", g);
        assertSame(g, tape.gradient("spikes"));
    }

    @Test
    void aGradientForAnUnpublishedOutputIsRefusedNamingIt() {
        Tape tape = Tape.training(1);
        tape.publish("spikes", be.zeros(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tape.addGradient("rates", be.zeros(1)));
        assertTrue(e.getMessage().contains("'rates'") && e.getMessage().contains("spikes"), e.getMessage());
    }

    @Test
    void recordsArePoppedInReverseOrderAndTypeChecked() {
        Tape tape = Tape.training(1);
        tape.push("a");
        tape.push(7);
        assertEquals(7, tape.pop(Integer.class));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> tape.pop(Integer.class));
        assertTrue(e.getMessage().contains("Integer") && e.getMessage().contains("String"), e.getMessage());
        Tape t2 = Tape.training(1);
        t2.push(new Object[0]);
        IllegalStateException e2 = assertThrows(IllegalStateException.class, () -> t2.pop(Nested.Rec.class));
        assertTrue(e2.getMessage().contains("TapeTest.Nested.Rec"), e2.getMessage());
        assertEquals(0, tape.pending());
        assertThrows(IllegalStateException.class, () -> Tape.inference().pop(Object.class));
    }

    static final class Nested {
        record Rec() {}
    }
}
