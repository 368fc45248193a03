package org.spikekit.report;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.spikekit.data.DataRecord;

class ProvenanceTest {
    private static Provenance sample(long seed, String backend) {
        return new Provenance("0.1.0", "abc123", false, "02_rsnn", "table1", "2026-01-01T00:00:00Z", 12.5,
                "quick", "synthetic", backend, "dev", seed, Map.of("hidden", 64, "lr", 0.002),
                List.of(new DataRecord("indy", "synthetic", "data/synthetic/indy.mat", "0".repeat(64), "gen")),
                "jvm", "os", "amd64", 2);
    }

    @Test
    void jsonRoundTripIsLossless() {
        Provenance p = sample(3, "cpu");
        assertEquals(p, Provenance.fromJson(p.toJson()));
    }

    @Test
    void diffListsChangedFieldsButNotTimes() {
        Provenance a = sample(1, "cpu");
        Provenance b = sample(2, "cuda");
        assertEquals(List.of("backend: cpu -> cuda", "seed: 1 -> 2"), Provenance.diff(a, b));
        assertEquals(List.of(), Provenance.diff(a, sample(1, "cpu")));
    }

    @Test
    void malformedJsonIsAClearError() {
        var e = assertThrows(IllegalArgumentException.class, () -> Provenance.fromJson("{\"kitVersion\": 3"));
        assertTrue(e.getMessage().startsWith("not a provenance record"), e.getMessage());
    }
}
