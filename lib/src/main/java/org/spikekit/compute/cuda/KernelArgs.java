package org.spikekit.compute.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Builds the {@code void** kernelParams} array of {@code cuLaunchKernel}: one pointer per kernel
 * parameter, each pointing at a native copy of the value with the parameter's C type
 * ({@code T*} and {@code long long}/{@code unsigned long long} as 8 bytes, {@code int} as 4,
 * {@code float} as 4, {@code double} as 8).
 */
final class KernelArgs {

    /** One argument: its native layout and value. */
    record Arg(ValueLayout layout, Object value) {}

    private final List<Arg> args = new ArrayList<>();

    /** A device pointer ({@code T*}), e.g. {@code storage base + 4 * element offset}. */
    KernelArgs ptr(long deviceAddress) { args.add(new Arg(JAVA_LONG, deviceAddress)); return this; }

    /** {@code long long} or {@code unsigned long long} (same bits). */
    KernelArgs i64(long v) { args.add(new Arg(JAVA_LONG, v)); return this; }

    KernelArgs i32(int v) { args.add(new Arg(JAVA_INT, v)); return this; }

    KernelArgs f32(float v) { args.add(new Arg(JAVA_FLOAT, v)); return this; }

    KernelArgs f64(double v) { args.add(new Arg(JAVA_DOUBLE, v)); return this; }

    List<Arg> args() { return List.copyOf(args); }

    int size() { return args.size(); }

    /** The {@code void*[]} array, with every value allocated in {@code arena}. */
    MemorySegment pack(Arena arena) {
        MemorySegment array = arena.allocate(ADDRESS, Math.max(1, args.size()));
        for (int i = 0; i < args.size(); i++) {
            Arg a = args.get(i);
            MemorySegment cell = switch (a.value()) {
                case Long l -> arena.allocateFrom(JAVA_LONG, l);
                case Integer n -> arena.allocateFrom(JAVA_INT, n);
                case Float f -> arena.allocateFrom(JAVA_FLOAT, f);
                case Double d -> arena.allocateFrom(JAVA_DOUBLE, d);
                default -> throw new IllegalStateException("unsupported kernel argument " + a);
            };
            array.setAtIndex(ADDRESS, i, cell);
        }
        return array;
    }
}
