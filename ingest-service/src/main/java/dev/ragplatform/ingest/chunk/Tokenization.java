package dev.ragplatform.ingest.chunk;

import java.util.Objects;

/**
 * Where the model's tokens lie in a text: token {@code i} covers characters {@code [starts[i], ends[i])}. Special
 * tokens are not included; starts never decrease.
 */
public record Tokenization(int[] starts, int[] ends) {

	public Tokenization {
		Objects.requireNonNull(starts, "starts");
		Objects.requireNonNull(ends, "ends");
		if (starts.length != ends.length) {
			throw new IllegalArgumentException(starts.length + " starts but " + ends.length + " ends");
		}
	}

	public int count() {
		return this.starts.length;
	}

	/** The number of tokens that start in {@code [from, to)}. */
	public int countIn(int from, int to) {
		return (to <= from) ? 0 : before(to) - before(from);
	}

	/** The number of tokens that start before {@code offset}, which is the index of the first one that does not. */
	int before(int offset) {
		int low = 0;
		int high = this.starts.length;
		while (low < high) {
			int mid = (low + high) >>> 1;
			if (this.starts[mid] < offset) {
				low = mid + 1;
			}
			else {
				high = mid;
			}
		}
		return low;
	}

}
