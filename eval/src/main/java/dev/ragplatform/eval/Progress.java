package dev.ragplatform.eval;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar on standard error: done / total, rate and time left. */
final class Progress {

	private final String label;

	private final long total;

	private final long started = System.nanoTime();

	private final PrintStream out = System.err;

	private long lastPrint;

	/** On a terminal the bar redraws in place; in a log it prints a line per tenth of the way. */
	private final boolean interactive = System.console() != null;

	private long lastTenth = -1;

	Progress(String label, long total) {
		this.label = label;
		this.total = total;
	}

	synchronized void update(long done) {
		long now = System.nanoTime();
		if (done < this.total && now - this.lastPrint < 250_000_000L) {
			return;
		}
		long tenth = done * 10 / Math.max(1, this.total);
		if (!this.interactive && tenth == this.lastTenth) {
			return;
		}
		this.lastTenth = tenth;
		this.lastPrint = now;
		double seconds = (now - this.started) / 1e9;
		double rate = (seconds > 0) ? done / seconds : 0;
		int width = 30;
		int filled = (int) (width * Math.min(1.0, (double) done / Math.max(1, this.total)));
		String eta = (rate > 0 && done < this.total) ? String.format(Locale.ROOT, "%.0fs left", (this.total - done) / rate)
				: String.format(Locale.ROOT, "%.0fs", seconds);
		this.out.printf(Locale.ROOT, (this.interactive ? "\r" : "") + "%-22s [%s%s] %,d/%,d  %.1f/s  %s   ", this.label, "#".repeat(filled),
				" ".repeat(width - filled), done, this.total, rate, eta);
		if (done >= this.total || !this.interactive) {
			this.out.println();
		}
	}

}
