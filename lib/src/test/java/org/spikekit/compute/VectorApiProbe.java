package org.spikekit.compute;

/**
 * Main of the child JVM of {@link VectorApiTest}: starts the cpu backend both ways a user would
 * (by name, and with {@code new}) and prints one line per way: {@code ok} or the exception.
 */
public final class VectorApiProbe {
    private VectorApiProbe() {}

    public static void main(String[] args) {
        System.out.println("available " + VectorApi.available());
        try (Backend be = Backends.get("cpu")) {
            System.out.println("get ok " + be.deviceName());
        } catch (Throwable t) {
            System.out.println("get " + t);
        }
        try (Backend be = new CpuBackend(1)) {
            System.out.println("new ok " + be.deviceName());
        } catch (Throwable t) {
            System.out.println("new " + t);
        }
    }
}
