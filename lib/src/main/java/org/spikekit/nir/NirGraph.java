package org.spikekit.nir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A NIR graph (NIR type {@code NIRGraph}): named nodes and directed edges between them. An edge
 * carries a node's output unchanged to another node; what reaches a node over several edges is
 * summed (the Braille network's {@code lif1.lif} gets {@code fc1} and its own recurrent
 * {@code lif1.w_rec} this way). Cycles are allowed. A node may itself be a graph (nested graphs):
 * an edge names it as a whole ({@code "sub"}, meaning its only Input or Output node) or one of its
 * nodes by a dotted path ({@code "sub.in2"}); node names may contain dots themselves, an exact name
 * wins over a dotted path (NIR's own type check, v1.0.7, does not follow dotted paths yet: such files
 * read there with {@code type_check=False}). Input and Output nodes mark where data enters and leaves.
 *
 * @param nodes    nodes by name, in file order
 * @param edges    (source, target) pairs
 * @param metadata graph metadata (the kit writes {@code spikekit_*} keys there, see {@link NirExport})
 */
public record NirGraph(Map<String, NirNode> nodes, List<Edge> edges, Map<String, Object> metadata) implements NirNode {

    /** One edge: the output of {@code source} goes to {@code target}. */
    public record Edge(String source, String target) {
        public Edge {
            if (source == null || source.isEmpty() || target == null || target.isEmpty()) {
                throw new IllegalArgumentException("NIR edge needs a source and a target name, got (" + source + ", " + target + ")");
            }
        }

        @Override public String toString() { return source + " → " + target; }
    }

    public NirGraph {
        if (nodes == null || edges == null) throw new IllegalArgumentException("NirGraph: nodes and edges must not be null");
        for (Map.Entry<String, NirNode> e : nodes.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty()) throw new IllegalArgumentException("NirGraph: a node has an empty name");
            if (e.getValue() == null) throw new IllegalArgumentException("NirGraph: node '" + e.getKey() + "' is null");
        }
        nodes = Collections.unmodifiableMap(new LinkedHashMap<>(nodes));
        edges = List.copyOf(edges);
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        for (Edge e : edges) {
            resolve(nodes, e.source(), true, "edge " + e);
            resolve(nodes, e.target(), false, "edge " + e);
        }
    }

    public NirGraph(Map<String, NirNode> nodes, List<Edge> edges) { this(nodes, edges, null); }

    @Override public String type() { return "NIRGraph"; }

    /** Names of the Input nodes. */
    public List<String> inputs() { return namesOf(NirNode.Input.class); }

    /** Names of the Output nodes. */
    public List<String> outputs() { return namesOf(NirNode.Output.class); }

    private List<String> namesOf(Class<?> c) {
        List<String> l = new ArrayList<>();
        nodes.forEach((k, v) -> { if (c.isInstance(v)) l.add(k); });
        return l;
    }

    /** The shape of the graph's only Input node, or null when it has none or several. */
    @Override
    public int[] inputShape() {
        List<String> in = inputs();
        return in.size() == 1 ? nodes.get(in.get(0)).outputShape() : null;
    }

    /** The shape of the graph's only Output node, or null when it has none or several. */
    @Override
    public int[] outputShape() {
        List<String> out = outputs();
        return out.size() == 1 ? nodes.get(out.get(0)).inputShape() : null;
    }

    /** The node of that name; an error listing the names when absent. */
    public NirNode node(String name) {
        NirNode n = nodes.get(name);
        if (n == null) throw new IllegalArgumentException("NIR graph has no node '" + name + "' (nodes: " + nodes.keySet() + ")");
        return n;
    }

    /**
     * Resolves an edge end to a path of node names: an exact node name, a subgraph's only Input
     * ({@code asSource == false}) or Output ({@code asSource == true}) node, or a dotted path into a
     * subgraph. Error messages name {@code where}.
     */
    public List<String> resolve(String name, boolean asSource, String where) { return resolve(nodes, name, asSource, where); }

    private static List<String> resolve(Map<String, NirNode> nodes, String name, boolean asSource, String where) {
        NirNode n = nodes.get(name);
        if (n != null) {
            if (n instanceof NirGraph g) {
                List<String> ends = asSource ? g.outputs() : g.inputs();
                if (ends.size() != 1) {
                    throw new IllegalArgumentException(where + ": '" + name + "' is a subgraph with " + ends.size() + " "
                            + (asSource ? "Output" : "Input") + " nodes " + ends + "; name one as '" + name + ".<node>'");
                }
                List<String> p = new ArrayList<>(List.of(name));
                p.addAll(g.resolve(ends.get(0), asSource, where));
                return p;
            }
            return List.of(name);
        }
        for (int i = name.indexOf('.'); i > 0; i = name.indexOf('.', i + 1)) {
            if (nodes.get(name.substring(0, i)) instanceof NirGraph g) {
                List<String> p = new ArrayList<>(List.of(name.substring(0, i)));
                p.addAll(g.resolve(name.substring(i + 1), asSource, where));
                return p;
            }
        }
        throw new IllegalArgumentException(where + ": no node '" + name + "' in the graph (nodes: " + nodes.keySet() + ")");
    }
}
