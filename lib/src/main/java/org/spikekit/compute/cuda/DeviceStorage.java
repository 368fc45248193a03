package org.spikekit.compute.cuda;

import org.spikekit.compute.Storage;

import java.lang.ref.Cleaner;

/**
 * Float32 device memory of a {@link CudaBackend}: a {@code CUdeviceptr} and a length in elements.
 * A tensor's element offset {@code o} is the device address {@code devicePointer() + 4 * o}.
 *
 * <p>{@link #close()} frees the memory at once; storage that is dropped without closing is freed
 * when it becomes unreachable (model code written for the cpu backend never closes tensors).
 * Closing twice, or after the backend closed, does nothing.
 */
public final class DeviceStorage implements Storage {
    private final CudaBackend owner;
    private final long ptr;
    private final long length;
    private final Cleaner.Cleanable cleanable;

    DeviceStorage(CudaBackend owner, long ptr, long length, Cleaner cleaner) {
        this.owner = owner;
        this.ptr = ptr;
        this.length = length;
        // The action must not reference this object, only what it needs to free the memory.
        this.cleanable = cleaner.register(this, new Free(owner, ptr));
    }

    private record Free(CudaBackend owner, long ptr) implements Runnable {
        @Override public void run() { owner.free(ptr); }
    }

    /** The {@code CUdeviceptr} of element 0. */
    public long devicePointer() { return ptr; }

    /** Device address of element {@code elementOffset}. */
    long address(long elementOffset) { return ptr + 4L * elementOffset; }

    CudaBackend owner() { return owner; }

    @Override
    public long length() { return length; }

    @Override
    public void close() { cleanable.clean(); }

    @Override
    public String toString() {
        return "DeviceStorage[0x" + Long.toHexString(ptr) + ", " + length + " floats]";
    }
}
