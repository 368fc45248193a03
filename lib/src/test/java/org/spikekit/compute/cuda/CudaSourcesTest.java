package org.spikekit.compute.cuda;

import org.junit.jupiter.api.Test;
import org.spikekit.compute.BinaryOp;
import org.spikekit.compute.UnaryOp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Holds the Java side (kernel names, op codes) to the CUDA sources without a GPU. */
class CudaSourcesTest {

    @Test
    void everyKernelTheBackendLaunchesIsDefinedExactlyOnce() {
        List<String> defined = new ArrayList<>();
        for (String f : CudaSources.FILES) defined.addAll(CudaSources.kernelNames(CudaSources.read(f)));
        for (String k : CudaBackend.KERNELS) {
            assertEquals(1, defined.stream().filter(k::equals).count(), k + " in " + defined);
        }
        assertEquals(CudaBackend.KERNELS.size(), defined.size(), "unused kernels: " + defined);
    }

    private static Map<Integer, String> cases(String source, String function) {
        int start = source.indexOf(function);
        int end = source.indexOf("default:", start);
        Matcher m = Pattern.compile("case (\\d+): /\\* (\\w+) \\*/").matcher(source.substring(start, end));
        Map<Integer, String> out = new LinkedHashMap<>();
        while (m.find()) out.put(Integer.parseInt(m.group(1)), m.group(2));
        return out;
    }

    @Test
    void opCodesAreTheEnumOrdinals() {
        String src = CudaSources.read("elementwise.cu");
        Map<Integer, String> unary = cases(src, "unary_op(int op");
        assertEquals(UnaryOp.values().length, unary.size(), unary.toString());
        for (UnaryOp op : UnaryOp.values()) assertEquals(op.name(), unary.get(op.ordinal()));
        Map<Integer, String> binary = cases(src, "binary_op(int op");
        assertEquals(BinaryOp.values().length, binary.size(), binary.toString());
        for (BinaryOp op : BinaryOp.values()) assertEquals(op.name(), binary.get(op.ordinal()));
    }

    @Test
    void archIsTheHighestNvrtcTargetNotAboveTheDevice() {
        assertEquals(90, CudaBackend.pickArch(90, new int[] {75, 80, 86, 89, 90, 100, 120}));
        assertEquals(90, CudaBackend.pickArch(103, new int[] {75, 80, 90}));
        assertEquals(86, CudaBackend.pickArch(86, new int[0]));
    }

    @Test
    void sourcesAreOnTheClasspathAndFreeOfHostIncludes() {
        for (String f : CudaSources.FILES) {
            String s = CudaSources.read(f);
            assertTrue(s.contains("__global__"), f);
            assertTrue(!s.contains("#include"), f + " must compile under NVRTC without system headers");
        }
    }
}
