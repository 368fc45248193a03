package org.spikekit.data.allen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.spikekit.data.DataChoice;
import org.spikekit.data.DataContext;
import org.spikekit.data.DataException;
import org.spikekit.data.DataRecord;
import org.spikekit.data.DataSource;
import org.spikekit.data.Digests;
import org.spikekit.data.RunMode;

/**
 * Where the Blocks e-phys notebook gets the Allen Cell Types cells from (notebooks/papers/blocks.md §3.5): the real
 * files under {@code data/raw/allen/cell_types/} when present, else SpikeKit's stand-in
 * ({@link AllenStandin}) under {@code data/synthetic/allen/cell_types/}, both in the folder layout
 * of AllenSDK's {@code CellTypesCache}:
 * <ul>
 *   <li>{@code cells.json}: a JSON array of cells; each needs an id, a species, a layer and a
 *       disease state, either under {@code get_cells()}'s names ({@code id}, {@code species},
 *       {@code structure_layer_name}, {@code disease_state}) or the raw API names the cache file
 *       holds ({@code specimen__id}, {@code donor__species}, {@code structure__layer},
 *       {@code donor__disease_state}); a missing or null disease state counts as empty;</li>
 *   <li>{@code ephys_features.csv}: the ephys features table with (at least) columns
 *       {@code specimen_id}, {@code vrest}, {@code threshold_v_long_square};</li>
 *   <li>{@code specimen_<id>/ephys.nwb}: each cell's recording ({@link AllenNwb}).</li>
 * </ul>
 * To get the real files (Python, AllenSDK):
 * <pre>
 *   from allensdk.core.cell_types_cache import CellTypesCache
 *   import json, pandas as pd
 *   ctc = CellTypesCache(manifest_file='cell_types/manifest.json')   # run inside data/raw/allen/
 *   cells = ctc.get_cells(species=['Mus musculus'])                    # writes cell_types/cells.json
 *   pd.DataFrame(ctc.get_ephys_features()).to_csv('cell_types/ephys_features.csv', index=False)
 *   for c in cells:
 *       if c['structure_layer_name'] == '4' and not c['disease_state']:
 *           ctc.get_ephys_data(c['id'])                                # cell_types/specimen_&lt;id&gt;/ephys.nwb
 * </pre>
 * (if your AllenSDK keeps cells.json elsewhere, {@code json.dump(cells, open('cell_types/cells.json', 'w'))}).
 *
 * <p>Cell selection is the paper's: species Mus musculus, layer "4", empty disease state, an NWB
 * file present, exactly 4 "Noise 2" sweeps; sorted by specimen id; optionally the first
 * {@code limit}. {@link DataChoice}: AUTO real-else-stand-in, REAL real or an error saying where
 * to put which files, SYNTHETIC always the stand-in, regenerated when its stored generator
 * description ({@code generator.txt}) differs. Stand-in size: quick 3 cells, full 12 (≈ 20 MB
 * each). A real folder whose NWB file is a SpikeKit stand-in is refused.
 */
public final class AllenData {
    /** Allen Cell Types Database. */
    public static final String URL = "https://celltypes.brain-map.org/";
    /** The stand-in folder's generator configuration file ({@link DataSource#GENERATOR_FILE}). */
    public static final String GENERATOR_FILE = DataSource.GENERATOR_FILE;
    static final String NAME = "allen_cell_types";

    private final Path dataDir;

    private AllenData(Path dataDir) { this.dataDir = dataDir.toAbsolutePath().normalize(); }

    public static AllenData at(Path dataDir) { return new AllenData(dataDir); }

    public Path dataDir() { return dataDir; }

    /** {@code data/raw/allen/cell_types}. */
    public Path realDir() { return dataDir.resolve("raw").resolve("allen").resolve("cell_types"); }

    /** {@code data/synthetic/allen/cell_types}. */
    public Path syntheticDir() { return dataDir.resolve("synthetic").resolve("allen").resolve("cell_types"); }

    /** Ground truth of a stand-in cell (from {@code standin_truth.csv}). */
    public record Truth(double tauMemMs, double tauAdaptMs, double b, double w, double arpMs, double noise) {}

    /**
     * The prepared cells, the provenance record and, for the stand-in, each cell's truth.
     *
     * @param truth specimen id → truth; empty for real data
     */
    public record Cells(List<EphysPrep.Cell> cells, DataRecord record, Map<Long, Truth> truth) {
        public Cells {
            cells = List.copyOf(cells);
            truth = Map.copyOf(truth);
        }

        public boolean real() { return record.source().equals("real"); }
    }

    /** The stand-in's settings for {@code mode}: quick 3 cells, full 12. */
    public static AllenStandin.Config standinConfig(RunMode mode) {
        return AllenStandin.Config.standard(2311, mode == RunMode.FULL ? 12 : 3);
    }

    /** Loads with the notebook's DATA and MODE, records the provenance in it; epochs of 1 s (the paper's). */
    public static Cells load(DataContext nb, double rateHz, int limit) {
        Cells c = at(nb.dataDir()).load(nb.data(), nb.mode(), rateHz, limit);
        nb.dataFile(c.record());
        return c;
    }

    /**
     * The selected cells prepared at {@code rateHz} ({@link EphysPrep#prepare}, 1-s epochs).
     *
     * @param limit at most this many cells (the first by id); 0 or less: all
     */
    public Cells load(DataChoice choice, RunMode mode, double rateHz, int limit) {
        return load(choice, standinConfig(mode), rateHz, limit);
    }

    /** As {@link #load(DataChoice, RunMode, double, int)} with an explicit stand-in configuration. */
    public Cells load(DataChoice choice, AllenStandin.Config standin, double rateHz, int limit) {
        Path real = realDir();
        Path cellsJson = real.resolve("cells.json");
        return DataSource.of(() -> Files.exists(cellsJson), () -> loadReal(real, cellsJson, rateHz, limit),
                () -> missing(real, cellsJson), () -> loadStandin(standin, rateHz, limit)).load(choice);
    }

    private Cells loadReal(Path real, Path cellsJson, double rateHz, int limit) {
        List<Long> ids = select(real, limit);
        for (long id : ids) {
            Path f = nwb(real, id);
            String g = AllenNwb.generator(f);
            if (!g.isEmpty()) {
                throw new DataException(f, f + ": holds a SpikeKit stand-in (" + g + "), not a real Allen Cell Types recording; "
                        + "stand-ins live in data/synthetic/allen/cell_types/");
            }
        }
        List<EphysPrep.Cell> cells = prepare(real, ids, rateHz);
        String sha;
        try {
            sha = Digests.of(cellsJson).sha256();
        } catch (IOException e) {
            throw new DataException(cellsJson, cellsJson + ": cannot checksum: " + e.getMessage(), e);
        }
        return new Cells(cells, new DataRecord(NAME, "real", relative(real), sha, "",
                "Allen Cell Types folder (sha256 of cells.json; NWB files not checksummed); " + describe(ids)), Map.of());
    }

    private static DataException missing(Path real, Path cellsJson) {
        return new DataException(cellsJson, "DATA=real but the real Allen Cell Types files are not present: expected " + cellsJson
                + ", " + real.resolve("ephys_features.csv") + " and " + real.resolve("specimen_<id>").resolve("ephys.nwb")
                + " per cell, as AllenSDK's CellTypesCache(manifest_file='cell_types/manifest.json') writes them when run in "
                + real.getParent() + " (get_cells, get_ephys_features saved as ephys_features.csv, get_ephys_data(id); see the "
                + "AllenData javadoc, data from " + URL + "); or use DATA=auto or DATA=synthetic for the stand-in");
    }

    private Cells loadStandin(AllenStandin.Config standin, double rateHz, int limit) {
        Path dir = syntheticDir();
        String how = ensureStandin(dir, standin);
        List<Long> ids = select(dir, limit);
        List<EphysPrep.Cell> cells = prepare(dir, ids, rateHz);
        Map<Long, Truth> truth = readTruth(dir.resolve("standin_truth.csv"));
        truth.keySet().retainAll(ids);
        return new Cells(cells, new DataRecord(NAME, "synthetic", relative(dir), "", standin.describe(), how + "; " + describe(ids)), truth);
    }

    /** Writes the stand-in unless {@code generator.txt} matches; says which happened. */
    static String ensureStandin(Path dir, AllenStandin.Config cfg) {
        return DataSource.standinFolder(dir, cfg.describe(), "Allen stand-in", d -> AllenStandin.write(d, cfg));
    }

    private static String describe(List<Long> ids) {
        return ids.size() + " cells selected (Mus musculus, layer 4, no disease, exactly 4 Noise 2 sweeps)";
    }

    private List<EphysPrep.Cell> prepare(Path dir, List<Long> ids, double rateHz) {
        Map<Long, double[]> feat = features(dir.resolve("ephys_features.csv"));
        List<EphysPrep.Cell> out = new ArrayList<>();
        for (long id : ids) {
            double[] f = feat.get(id);
            if (f == null) {
                Path p = dir.resolve("ephys_features.csv");
                throw new DataException(p, p + ": no row for specimen_id " + id + " (expected vrest and threshold_v_long_square of every selected cell)");
            }
            out.add(EphysPrep.prepare(nwb(dir, id), id, rateHz, EphysPrep.PAPER_SECONDS, f[0], f[1]));
        }
        return out;
    }

    static Path nwb(Path dir, long id) { return dir.resolve("specimen_" + id).resolve("ephys.nwb"); }

    // ================================================================== selection

    /** One row of cells.json. */
    public record CellInfo(long id, String species, String layer, String diseaseState) {}

    /**
     * The paper's cells in a CellTypesCache folder: Mus musculus, layer "4", empty disease state,
     * {@code specimen_<id>/ephys.nwb} present with exactly 4 "Noise 2" sweeps; ascending ids; at
     * most {@code limit} (≤ 0: all).
     */
    public static List<Long> select(Path dir, int limit) {
        List<Long> out = new ArrayList<>();
        for (CellInfo c : cells(dir.resolve("cells.json"))) {
            if (limit > 0 && out.size() >= limit) break;
            if (!c.species().equalsIgnoreCase("Mus musculus") || !c.layer().equals("4") || !c.diseaseState().isEmpty()) continue;
            Path f = nwb(dir, c.id());
            if (!Files.isRegularFile(f)) continue;
            long n2 = AllenNwb.stimulusNames(f).values().stream().filter(EphysPrep.TEST::equals).count();
            if (n2 == EphysPrep.TEST_TRIALS) out.add(c.id());
        }
        return out;
    }

    /** The rows of a cells.json, sorted by id. */
    public static List<CellInfo> cells(Path json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json.toFile());
        } catch (IOException e) {
            throw new DataException(json, json + ": cannot read as JSON (expected CellTypesCache's cells.json, an array of cells): "
                    + e.getMessage(), e);
        }
        if (root == null || !root.isArray()) throw new DataException(json, json + ": expected a JSON array of cells at the top level");
        List<CellInfo> out = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode c = root.get(i);
            JsonNode id = first(c, "id", "specimen__id");
            boolean ok = id != null && (id.isIntegralNumber() || (id.isTextual() && id.asText().matches("\\d{1,18}")));
            if (!ok) throw new DataException(json, json + ": cell " + i + ": expected an integer 'id' (or 'specimen__id'), got " + id);
            out.add(new CellInfo(id.isIntegralNumber() ? id.asLong() : Long.parseLong(id.asText()), text(first(c, "species", "donor__species")),
                    text(first(c, "structure_layer_name", "structure__layer")), text(first(c, "disease_state", "donor__disease_state"))));
        }
        out.sort((a, b) -> Long.compare(a.id(), b.id()));
        return out;
    }

    private static JsonNode first(JsonNode c, String a, String b) {
        if (c == null || !c.isObject()) return null;
        JsonNode v = c.get(a);
        return v != null ? v : c.get(b);
    }

    private static String text(JsonNode v) { return v == null || v.isNull() ? "" : v.asText().strip(); }

    /** specimen_id → {vrest, threshold_v_long_square} of an ephys features CSV. */
    public static Map<Long, double[]> features(Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv);
        } catch (IOException e) {
            throw new DataException(csv, csv + ": cannot read (expected the ephys features table with columns specimen_id, vrest, "
                    + "threshold_v_long_square): " + e.getMessage(), e);
        }
        if (lines.isEmpty()) throw new DataException(csv, csv + ": empty; expected a header with specimen_id, vrest, threshold_v_long_square");
        List<String> head = splitCsv(lines.get(0));
        int iId = head.indexOf("specimen_id"), iV = head.indexOf("vrest"), iT = head.indexOf("threshold_v_long_square");
        if (iId < 0 || iV < 0 || iT < 0) {
            throw new DataException(csv, csv + ": header " + head + " lacks a column: expected specimen_id, vrest and threshold_v_long_square");
        }
        Map<Long, double[]> out = new HashMap<>();
        for (int li = 1; li < lines.size(); li++) {
            if (lines.get(li).isBlank()) continue;
            List<String> row = splitCsv(lines.get(li));
            try {
                long id = (long) Double.parseDouble(row.get(iId));
                out.put(id, new double[] {number(row.get(iV)), number(row.get(iT))});
            } catch (RuntimeException e) {
                throw new DataException(csv, csv + ": line " + (li + 1) + ": expected a numeric specimen_id, vrest and "
                        + "threshold_v_long_square, got '" + lines.get(li) + "'", e);
            }
        }
        return out;
    }

    private static double number(String s) { return s.isBlank() ? Double.NaN : Double.parseDouble(s.strip()); }

    /** Splits one CSV line (double-quoted fields may hold commas and doubled quotes). */
    static List<String> splitCsv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean q = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (q) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (ch == '"') {
                    q = false;
                } else {
                    f.append(ch);
                }
            } else if (ch == '"') {
                q = true;
            } else if (ch == ',') {
                out.add(f.toString().strip());
                f.setLength(0);
            } else {
                f.append(ch);
            }
        }
        out.add(f.toString().strip());
        return out;
    }

    /** specimen_id → truth of a {@code standin_truth.csv}. */
    static Map<Long, Truth> readTruth(Path csv) {
        Map<Long, Truth> out = new TreeMap<>();
        try {
            List<String> lines = Files.readAllLines(csv);
            for (int i = 1; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) continue;
                String[] p = lines.get(i).split(",");
                out.put(Long.parseLong(p[0]), new Truth(Double.parseDouble(p[1]), Double.parseDouble(p[2]), Double.parseDouble(p[3]),
                        Double.parseDouble(p[4]), Double.parseDouble(p[5]), Double.parseDouble(p[6])));
            }
        } catch (IOException | RuntimeException e) {
            throw new DataException(csv, csv + ": cannot read the stand-in truth (expected specimen_id,tau_mem_ms,tau_adapt_ms,b,w,arp_ms,noise): "
                    + e.getMessage(), e);
        }
        return out;
    }

    private String relative(Path p) { return DataSource.relative(dataDir, p); }

    @Override public String toString() { return String.format(Locale.ROOT, "AllenData[%s]", dataDir); }
}
