package org.spikekit.data.allen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spikekit.data.DataChoice;
import org.spikekit.data.DataException;
import org.spikekit.data.RunMode;

/** {@link AllenData}: the paper's cell selection, stand-in regeneration and the DATA=real errors. */
class AllenDataTest {
    @TempDir Path dir;

    static void nwb(Path folder, long id, int noise2) {
        List<AllenNwb.Sweep> s = new ArrayList<>(List.of(AllenNwbTest.sweep(1, "Noise 1", 10, null), AllenNwbTest.sweep(2, "Long Square", 10, null)));
        for (int i = 0; i < noise2; i++) s.add(AllenNwbTest.sweep(10 + i, "Noise 2", 10, null));
        AllenNwb.write(AllenData.nwb(folder, id), s, "");
    }

    @Test
    void selectionIsThePapersMouseLayer4HealthyCellsWithFourNoise2Sweeps() throws Exception {
        Path c = dir.resolve("cell_types");
        Files.createDirectories(c);
        // get_cells() names for some rows, the raw API names for others
        Files.writeString(c.resolve("cells.json"), """
                [{"id": 30, "species": "Mus musculus", "structure_layer_name": "4", "disease_state": ""},
                 {"id": 10, "species": "Mus musculus", "structure_layer_name": "4", "disease_state": ""},
                 {"specimen__id": 20, "donor__species": "Mus musculus", "structure__layer": "4", "donor__disease_state": null},
                 {"id": 40, "species": "Mus musculus", "structure_layer_name": "4", "disease_state": ""},
                 {"id": 50, "species": "Mus musculus", "structure_layer_name": "5", "disease_state": ""},
                 {"id": 60, "species": "Homo Sapiens", "structure_layer_name": "4", "disease_state": ""},
                 {"id": 70, "species": "Mus musculus", "structure_layer_name": "4", "disease_state": "epilepsy"},
                 {"id": 80, "species": "Mus musculus", "structure_layer_name": "4", "disease_state": ""}]
                """);
        nwb(c, 10, 4);
        nwb(c, 20, 4);
        nwb(c, 30, 4);
        nwb(c, 40, 3); // three Noise 2 sweeps: excluded
        nwb(c, 50, 4);
        nwb(c, 60, 4);
        nwb(c, 70, 4);
        // 80 has no nwb
        assertEquals(List.of(10L, 20L, 30L), AllenData.select(c, 0));
        assertEquals(List.of(10L, 20L), AllenData.select(c, 2));
    }

    @Test
    void badCellsJsonAndFeaturesAreNamed() throws Exception {
        Path j = dir.resolve("cells.json");
        Files.writeString(j, "{\"id\": 1}");
        assertTrue(assertThrows(DataException.class, () -> AllenData.cells(j)).getMessage().contains("JSON array"));
        Files.writeString(j, "[{\"species\": \"Mus musculus\"}]");
        assertTrue(assertThrows(DataException.class, () -> AllenData.cells(j)).getMessage().contains("'id'"));
        Path f = dir.resolve("ephys_features.csv");
        Files.writeString(f, "specimen_id,vrest\n1,-70\n");
        assertTrue(assertThrows(DataException.class, () -> AllenData.features(f)).getMessage().contains("threshold_v_long_square"));
        Files.writeString(f, "\"name, quoted\",specimen_id,threshold_v_long_square,vrest\n\"a, b\",7,-45.5,-71.25\n");
        assertEquals(-71.25, AllenData.features(f).get(7L)[0]);
        assertEquals(-45.5, AllenData.features(f).get(7L)[1]);
    }

    @Test
    void realRequestedWithoutFilesSaysWhereToPutWhich() {
        DataException e = assertThrows(DataException.class, () -> AllenData.at(dir).load(DataChoice.REAL, RunMode.QUICK, 10_000, 0));
        String m = e.getMessage();
        assertTrue(m.contains("DATA=real"), m);
        assertTrue(m.contains(dir.resolve("raw/allen/cell_types/cells.json").toString()), m);
        assertTrue(m.contains("ephys_features.csv") && m.contains("specimen_<id>") && m.contains("CellTypesCache"), m);
    }

    @Test
    void standinIsGeneratedReusedRegeneratedAndRefusedAsRealData() throws Exception {
        AllenData d = AllenData.at(dir.resolve("data"));
        AllenStandin.Config cfg = new AllenStandin.Config(3, 1, AllenStandin.SWEEP_SECONDS, 3, 1);
        AllenData.Cells a = d.load(DataChoice.AUTO, cfg, 10_000, 0);
        assertFalse(a.real());
        assertTrue(a.record().verification().startsWith("generated now"), a.record().verification());
        assertEquals("data/synthetic/allen/cell_types", a.record().path());
        assertEquals(cfg.describe(), a.record().generator());
        assertEquals(1, a.cells().size());
        long id = AllenStandin.FIRST_ID;
        assertEquals(id, a.cells().get(0).specimenId());
        assertTrue(a.truth().containsKey(id));
        assertEquals(2.0, a.truth().get(id).arpMs());
        assertTrue(a.cells().get(0).train().spikeCount() > 0);
        // the distractors (layer 5, human) are listed but have no NWB file
        assertEquals(3, AllenData.cells(d.syntheticDir().resolve("cells.json")).size());

        AllenData.Cells b = d.load(DataChoice.SYNTHETIC, cfg, 10_000, 0);
        assertTrue(b.record().verification().startsWith("generated earlier"), b.record().verification());

        Path stamp = d.syntheticDir().resolve("generator.txt");
        Files.writeString(stamp, "something else\n");
        AllenData.Cells c = d.load(DataChoice.SYNTHETIC, cfg, 10_000, 0);
        assertTrue(c.record().verification().startsWith("regenerated"), c.record().verification());

        // a copy of the stand-in placed as real data is refused
        Path real = d.realDir();
        try (Stream<Path> s = Files.walk(d.syntheticDir())) {
            for (Path p : s.toList()) {
                Path t = real.resolve(d.syntheticDir().relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
        DataException e = assertThrows(DataException.class, () -> d.load(DataChoice.AUTO, cfg, 10_000, 0));
        assertTrue(e.getMessage().contains("SpikeKit stand-in") && e.getMessage().contains("data/synthetic/"), e.getMessage());
        // SYNTHETIC still uses the stand-in
        assertFalse(d.load(DataChoice.SYNTHETIC, cfg, 10_000, 0).real());
    }

    @Test
    void standinSizesByMode() {
        assertEquals(3, AllenData.standinConfig(RunMode.QUICK).cells());
        assertEquals(12, AllenData.standinConfig(RunMode.FULL).cells());
        assertEquals(AllenStandin.SWEEP_SECONDS, AllenData.standinConfig(RunMode.FULL).sweepSeconds());
    }
}
