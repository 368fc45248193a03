package org.spikekit.compute.cuda;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

@SuppressWarnings("restricted")
class KernelArgsTest {

    @Test
    void packsOnePointerPerArgumentToANativeCopyOfTheValue() {
        KernelArgs k = new KernelArgs().ptr(0x7f00_0000_1000L + 4L * 3).i64(-2L).i32(7).f32(1.5f).f64(-0.25)
                .i64(0x9E3779B97F4A7C15L);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment arr = k.pack(a);
            assertEquals(6 * ADDRESS.byteSize(), arr.byteSize());
            MemorySegment[] cells = new MemorySegment[6];
            for (int i = 0; i < 6; i++) cells[i] = arr.getAtIndex(ADDRESS, i).reinterpret(8);
            assertEquals(0x7f00_0000_100CL, cells[0].get(JAVA_LONG, 0));
            assertEquals(-2L, cells[1].get(JAVA_LONG, 0));
            assertEquals(7, cells[2].get(JAVA_INT, 0));
            assertEquals(1.5f, cells[3].get(JAVA_FLOAT, 0));
            assertEquals(-0.25, cells[4].get(JAVA_DOUBLE, 0));
            assertEquals(0x9E3779B97F4A7C15L, cells[5].get(JAVA_LONG, 0));
            // Each value sits at an address aligned for its C type.
            for (int i = 0; i < 6; i++) {
                long align = k.args().get(i).layout().byteAlignment();
                assertEquals(0, cells[i].address() % align, "argument " + i);
            }
        }
    }
}
