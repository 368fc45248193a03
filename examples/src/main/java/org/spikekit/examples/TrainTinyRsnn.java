package org.spikekit.examples;

import org.spikekit.compute.Backend;
import org.spikekit.compute.Backends;
import org.spikekit.data.reaching.PrimateReaching;
import org.spikekit.data.reaching.ReachGenerator;
import org.spikekit.model.Rsnn;
import org.spikekit.train.Trainer;

/**
 * Trains tinyRSNN (64 recurrent LIF neurons, Liu et al., BioCAS 2024) on a synthetic Indy-like
 * reaching session and prints its test R² of finger velocity.
 *
 * <p>The data pipeline is the RSNN paper driver's: NeuroBench primate-reaching binning
 * ({@code PrimateReaching.Options.benchmark()}) and the released RSNN train/validation/test cut
 * ({@code RsnnOptions.defaults()}: 500-step training windows). The training recipe is
 * {@code Trainer.Config.rsnn} (SMORMS3, cosine schedule, tinyRSNN spike regularisers) with batches of
 * 32 windows instead of 250, since two minutes of data hold only about 180 windows.
 *
 * <p>Run it with {@code java --add-modules jdk.incubator.vector -cp 'spikekit.jar:deps/*:classes'
 * org.spikekit.examples.TrainTinyRsnn [seconds of data, default 120] [epochs, default 20]}.
 */
public final class TrainTinyRsnn {
    private TrainTinyRsnn() {}

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 120;
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        System.out.printf("tinyRSNN test R2 = %.3f%n", trainAndTest(seconds, epochs, 32));
    }

    /** Trains tinyRSNN on {@code seconds} of synthetic data for {@code epochs} epochs; returns its test R². */
    public static double trainAndTest(double seconds, int epochs, int batchSize) {
        try (Backend cpu = Backends.get("cpu")) {
            var session = ReachGenerator.generate("indy-like", ReachGenerator.Config.indyLike().withDurationS(seconds));
            var data = PrimateReaching.of(session, PrimateReaching.Options.benchmark()).rsnn(PrimateReaching.RsnnOptions.defaults());
            var model = new Rsnn(cpu, Rsnn.Config.tiny(data.train().inputs()), 1L);
            model.initFromData(data.train(), 1L);
            new Trainer(Trainer.Config.rsnn(epochs, 1L).withBatchSize(batchSize)).fit(model, data.train(), data.val(), null);
            return Trainer.evaluate(model, data.test(), 1);
        }
    }
}
