package dev.ragplatform.retrieval.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import dev.ragplatform.retrieval.collection.Collection;
import dev.ragplatform.retrieval.collection.CollectionRepository;
import dev.ragplatform.retrieval.config.RetrievalProperties;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexCommit;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.QueryTimeoutImpl;
import org.apache.lucene.index.ReaderManager;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermStatistics;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopScoreDocCollectorManager;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.IOUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Exact BM25 over a Lucene index per collection, kept by each replica beside PostgreSQL, which stays the source of
 * truth. Lucene's block-max WAND skips the chunks that cannot reach the top k, so a 49-term query no longer scores
 * every chunk that shares a lexeme with it.
 * <ul>
 * <li><b>Same terms, same scores.</b> The index holds PostgreSQL's own lexemes: each chunk's {@code tsvector}, each
 * lexeme repeated as often as it has positions, so the analyzer is the collection's text search configuration and
 * the document length is {@code token_count}. Queries are analysed by PostgreSQL too. {@link ExactBm25} scores with
 * the formula of the SQL, and {@code N}, {@code avgdl} and {@code df} are counted over the live chunks of the index.
 * Replicas that have applied the same transactions hold the same chunks, hence the same statistics and scores.</li>
 * <li><b>Following PostgreSQL.</b> Chunk rows carry the id of the transaction that wrote them and every removal
 * leaves a row in {@code retrieval.lexical_removals} (V8). A catch-up reads, in one repeatable-read snapshot, which
 * documents changed at or above the watermark and re-reads their chunks; the new watermark is the snapshot's
 * {@code xmin}, below which every transaction has ended. A transaction that commits late is therefore never
 * skipped, and re-applying a document is idempotent. A background thread catches up every
 * {@code rag.retrieval.lexical.poll-interval}; a search that asks to read its own writes catches up first.</li>
 * <li><b>Starting and restarting.</b> An index is built from the partition in one snapshot. With a persistent
 * {@code directory} each commit records its watermark, so a restarted replica catches up from there; otherwise
 * it rebuilds. Until a collection's index is built its searches run in SQL.</li>
 * </ul>
 */
@Component
class LexicalIndex {

	private static final Logger logger = LoggerFactory.getLogger(LexicalIndex.class);

	static final String TERMS = "t";

	static final String DOCUMENT = "doc";

	static final String KEY = "key";

	static final String LENGTH = "dl";

	private static final String WATERMARK = "watermark";

	private static final String IDENTITY = "collection";

	/** Hits read beyond the limit, to see whether ties at the cut go further (then more are read). */
	private static final int TIE_MARGIN = 32;

	private static final FieldType TERMS_TYPE = new FieldType();

	static {
		TERMS_TYPE.setIndexOptions(IndexOptions.DOCS_AND_FREQS);
		TERMS_TYPE.setTokenized(true);
		TERMS_TYPE.setOmitNorms(false);
		TERMS_TYPE.freeze();
	}

	private static final String ROWS = """
			SELECT c.document_id, c.chunk_index, c.token_count, l.lexemes, l.tfs FROM %s c
			CROSS JOIN LATERAL (SELECT array_agg(u.lexeme) AS lexemes,
			    array_agg(coalesce(array_length(u.positions, 1), 1)) AS tfs FROM unnest(c.tsv) u) l
			WHERE c.collection_id = ?""";

	/** Builds: one statement reads a whole partition. */
	private final JdbcTemplate jdbc;

	private final JdbcTemplate follow;

	private final TransactionTemplate snapshots;

	private final CollectionRepository collections;

	private final RetrievalProperties.Lexical settings;

	private final double k1;

	private final double b;

	private final Path root;

	private final boolean temporary;

	private final MeterRegistry meters;

	private final Map<Long, CollectionIndex> indexes = new ConcurrentHashMap<>();

	private final ScheduledExecutorService scheduler;

	/** Set when the service stops: the background thread ends after the catch-up under way. */
	private volatile boolean stopping;

	/** Per segment (its reader's cache key, which changes with its deletions): live length sum and live df. */
	private final Map<Object, SegmentStatistics> segments = Collections.synchronizedMap(new WeakHashMap<>());

	LexicalIndex(JdbcTemplate jdbc, PlatformTransactionManager transactions, CollectionRepository collections,
			RetrievalProperties properties, MeterRegistry meters) throws IOException {
		this.jdbc = new JdbcTemplate(Objects.requireNonNull(jdbc.getDataSource()));
		this.jdbc.setFetchSize(1000);
		// a catch-up (also the one a search asks for) is small statements: each under the search's time limit
		this.follow = SearchService.limited(jdbc, properties.search().statementTimeout());
		this.follow.setFetchSize(1000);
		this.snapshots = new TransactionTemplate(transactions);
		this.snapshots.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
		this.snapshots.setReadOnly(true);
		this.collections = collections;
		this.settings = properties.lexical();
		this.k1 = properties.search().bm25K1();
		this.b = properties.search().bm25B();
		this.meters = meters;
		String directory = this.settings.directory();
		this.temporary = directory == null || directory.isBlank();
		this.root = this.temporary ? Files.createTempDirectory("rag-lexical-") : Path.of(directory);
		Files.createDirectories(this.root);
		this.scheduler = Executors.newSingleThreadScheduledExecutor(
				Thread.ofPlatform().name("lexical-index").daemon(true).factory());
		if (this.settings.enabled()) {
			long every = this.settings.pollInterval().toMillis();
			this.scheduler.scheduleWithFixedDelay(this::round, 0, every, TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * Lets a catch-up under way finish, then closes every index. The thread is not interrupted: an interrupt during
	 * Lucene's file I/O closes the channel under it (ClosedByInterruptException) and invalidates the index's write
	 * lock, so the index could not be committed or opened again by this JVM.
	 */
	@PreDestroy
	void stop() throws InterruptedException, IOException {
		this.stopping = true;
		this.scheduler.shutdown();
		if (!this.scheduler.awaitTermination(60, TimeUnit.SECONDS)) {
			this.scheduler.shutdownNow();
			this.scheduler.awaitTermination(10, TimeUnit.SECONDS);
		}
		for (CollectionIndex index : this.indexes.values()) {
			index.close(!this.temporary);
		}
		this.indexes.clear();
		if (this.temporary) {
			IOUtils.rm(this.root);
		}
	}

	/** One round of the background thread: follow the set of collections, build or catch up each index. */
	void round() {
		try {
			List<Collection> all = this.collections.findAll();
			Set<Long> live = new HashSet<>();
			for (Collection collection : all) {
				live.add(collection.id());
			}
			for (CollectionIndex index : List.copyOf(this.indexes.values())) {
				if (!live.contains(index.id)) {
					this.indexes.remove(index.id);
					index.drop();
				}
			}
			for (Collection collection : all) {
				if (this.stopping || Thread.currentThread().isInterrupted()) {
					return;
				}
				try {
					index(collection).catchUp(false);
				}
				catch (RuntimeException ex) {
					logger.warn("The lexical index of '{}' could not catch up (it will try again): {}", collection.name(),
							ex.toString());
				}
			}
		}
		catch (RuntimeException ex) {
			logger.warn("The lexical indexes could not follow the collections (they will try again): {}", ex.toString());
		}
	}

	/** Builds the collection's index, or applies what changed since its watermark, now. */
	void catchUp(Collection collection) {
		index(collection).catchUp(false);
	}

	private CollectionIndex index(Collection collection) {
		return this.indexes.computeIfAbsent(collection.id(), (id) -> {
			try {
				return new CollectionIndex(collection);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
	}

	/** A ranked chunk. */
	record Hit(String documentId, int chunkIndex, double score) {
	}

	/**
	 * BM25 top {@code limit} of the collection's chunks for the query's lexemes, or {@code null} when this replica
	 * has not built the collection's index yet (the caller then searches in SQL).
	 *
	 * @param keys chunk keys ({@link #key}) a metadata filter let through, or {@code null} for all chunks
	 * @param fresh whether to apply every committed change first (read your own writes)
	 * @param keepRarest keep only this many of the query's terms, those with the lowest {@code df}; 0 keeps all
	 */
	List<Hit> search(Collection collection, List<String> lexemes, Set<String> keys, int limit, boolean fresh,
			int keepRarest, Duration timeout) {
		CollectionIndex index = this.settings.enabled() ? this.indexes.get(collection.id()) : null;
		if (index == null || !index.ready()) {
			return null;
		}
		if (fresh && !index.catchUp(true, Duration.ofMillis(Math.min(1000, timeout.toMillis())))) {
			// a long catch-up (a replica that fell behind) holds the index: the SQL is exact and current
			return null;
		}
		try {
			DirectoryReader reader = index.readers.acquire();
			try {
				return search(reader, lexemes, keys, limit, keepRarest, timeout);
			}
			finally {
				index.readers.release(reader);
			}
		}
		catch (org.apache.lucene.store.AlreadyClosedException ex) {
			return null; // the collection was deleted meanwhile
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private List<Hit> search(DirectoryReader reader, List<String> lexemes, Set<String> keys, int limit, int keepRarest,
			Duration timeout) throws IOException {
		long chunks = reader.numDocs();
		long length = 0;
		for (LeafReaderContext leaf : reader.leaves()) {
			length += statistics(leaf.reader()).length();
		}
		Map<BytesRef, Long> df = new HashMap<>();
		for (String lexeme : lexemes) {
			BytesRef term = new BytesRef(lexeme);
			long count = documentFrequency(reader, term);
			if (count > 0) {
				df.put(term, count);
			}
		}
		List<BytesRef> terms = new ArrayList<>(df.keySet());
		if (keepRarest > 0 && terms.size() > keepRarest) {
			terms.sort(Comparator.<BytesRef>comparingLong(df::get).thenComparing(Comparator.naturalOrder()));
			terms = terms.subList(0, keepRarest);
		}
		if (terms.isEmpty() || (keys != null && keys.isEmpty())) {
			return List.of();
		}
		BooleanQuery.Builder any = new BooleanQuery.Builder();
		for (BytesRef term : terms) {
			any.add(new TermQuery(new Term(TERMS, term)), BooleanClause.Occur.SHOULD);
		}
		Query query = any.build();
		if (keys != null) {
			query = new BooleanQuery.Builder().add(query, BooleanClause.Occur.MUST)
				.add(new TermInSetQuery(KEY, keys.stream().map(BytesRef::new).toList()), BooleanClause.Occur.FILTER)
				.build();
		}
		IndexSearcher searcher = new IndexSearcher(reader) {

			@Override
			public TermStatistics termStatistics(Term term, int docFreq, long totalTermFreq) {
				long live = df.getOrDefault(term.bytes(), (long) docFreq);
				return new TermStatistics(term.bytes(), live, Math.max(live, totalTermFreq));
			}

		};
		searcher.setQueryCache(null);
		ExactBm25 bm25 = new ExactBm25(this.k1, this.b, Math.max(chunks, 1), (chunks > 0) ? (double) length / chunks : 1);
		searcher.setSimilarity(bm25);
		searcher.setTimeout(new QueryTimeoutImpl(timeout.toMillis()));
		TopDocs top;
		for (int depth = limit + TIE_MARGIN;; depth *= 4) {
			top = searcher.search(query, new TopScoreDocCollectorManager(depth, null, depth));
			if (searcher.timedOut()) {
				// answered as a statement past its timeout is (SearchService): the same 503, the same words
				throw new org.springframework.dao.QueryTimeoutException("Lucene search past " + timeout);
			}
			ScoreDoc[] found = top.scoreDocs;
			// Lucene breaks ties by its own document order, which differs between replicas: read on until the hits
			// tied with the last one kept are all in, then break the ties by key
			if (found.length < depth || found.length <= limit || found[depth - 1].score < found[limit - 1].score) {
				break;
			}
		}
		List<Hit> hits = rescore(reader, top.scoreDocs, terms, df, bm25);
		// the SQL's order: score, then document id and chunk index, the same in every replica
		hits.sort(Comparator.comparingDouble(Hit::score)
			.reversed()
			.thenComparing(Hit::documentId)
			.thenComparingInt(Hit::chunkIndex));
		return List.copyOf(hits.subList(0, Math.min(limit, hits.size())));
	}

	/**
	 * The hits with their scores summed again in double precision, term by term in the order of the terms: Lucene
	 * sums floats in an order that depends on the segments, so two replicas could differ in the last bit.
	 */
	private static List<Hit> rescore(DirectoryReader reader, ScoreDoc[] found, List<BytesRef> terms,
			Map<BytesRef, Long> df, ExactBm25 bm25) throws IOException {
		List<BytesRef> ordered = new ArrayList<>(terms);
		Collections.sort(ordered);
		double[] idf = new double[ordered.size()];
		for (int t = 0; t < idf.length; t++) {
			idf[t] = bm25.idf(df.get(ordered.get(t)));
		}
		ScoreDoc[] byDoc = found.clone();
		java.util.Arrays.sort(byDoc, Comparator.comparingInt((ScoreDoc d) -> d.doc));
		List<LeafReaderContext> leaves = reader.leaves();
		List<Hit> hits = new ArrayList<>(byDoc.length);
		int i = 0;
		while (i < byDoc.length) {
			LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(byDoc[i].doc, leaves));
			int end = i;
			while (end < byDoc.length && byDoc[end].doc < leaf.docBase + leaf.reader().maxDoc()) {
				end++;
			}
			double[] scores = new double[end - i];
			Terms indexed = leaf.reader().terms(TERMS);
			TermsEnum iterator = (indexed != null) ? indexed.iterator() : null;
			NumericDocValues norms = leaf.reader().getNormValues(TERMS);
			long[] lengths = new long[end - i];
			for (int h = i; h < end; h++) {
				lengths[h - i] = (norms != null && norms.advanceExact(byDoc[h].doc - leaf.docBase)) ? norms.longValue() : 0;
			}
			for (int t = 0; iterator != null && t < ordered.size(); t++) {
				if (!iterator.seekExact(ordered.get(t))) {
					continue;
				}
				PostingsEnum postings = iterator.postings(null, PostingsEnum.FREQS);
				for (int h = i; h < end; h++) {
					int doc = byDoc[h].doc - leaf.docBase;
					int at = (postings.docID() < doc) ? postings.advance(doc) : postings.docID();
					if (at == doc) {
						scores[h - i] += bm25.score(idf[t], postings.freq(), lengths[h - i]);
					}
				}
			}
			SortedDocValues key = DocValues.getSorted(leaf.reader(), KEY);
			for (int h = i; h < end; h++) {
				if (key.advanceExact(byDoc[h].doc - leaf.docBase)) {
					String value = key.lookupOrd(key.ordValue()).utf8ToString();
					int cut = value.lastIndexOf('\u0000');
					hits.add(new Hit(value.substring(0, cut), Integer.parseInt(value.substring(cut + 1)), scores[h - i]));
				}
			}
			i = end;
		}
		return hits;
	}

	/** The key of a chunk in the index. */
	static String key(String documentId, int chunkIndex) {
		return documentId + '\u0000' + chunkIndex;
	}

	/** The chunks holding {@code term} that are live (deleted ones stay in a segment until it is merged). */
	private long documentFrequency(IndexReader reader, BytesRef term) throws IOException {
		long count = 0;
		for (LeafReaderContext leaf : reader.leaves()) {
			LeafReader segment = leaf.reader();
			Bits live = segment.getLiveDocs();
			if (live == null) {
				Terms terms = segment.terms(TERMS);
				TermsEnum iterator = (terms != null) ? terms.iterator() : null;
				count += (iterator != null && iterator.seekExact(term)) ? iterator.docFreq() : 0;
			}
			else {
				count += statistics(segment).documentFrequency(segment, term);
			}
		}
		return count;
	}

	private SegmentStatistics statistics(LeafReader segment) throws IOException {
		IndexReader.CacheHelper helper = segment.getReaderCacheHelper();
		if (helper == null) {
			return new SegmentStatistics(segment);
		}
		SegmentStatistics known = this.segments.get(helper.getKey());
		if (known == null) {
			known = new SegmentStatistics(segment);
			this.segments.put(helper.getKey(), known);
		}
		return known;
	}

	/** A segment's live length sum, and live {@code df} of the terms asked for so far. */
	private static final class SegmentStatistics {

		private final long length;

		private final Map<BytesRef, Integer> documentFrequencies = new ConcurrentHashMap<>();

		SegmentStatistics(LeafReader segment) throws IOException {
			Bits live = segment.getLiveDocs();
			NumericDocValues lengths = DocValues.getNumeric(segment, LENGTH);
			long sum = 0;
			for (int doc = lengths.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = lengths.nextDoc()) {
				if (live == null || live.get(doc)) {
					sum += lengths.longValue();
				}
			}
			this.length = sum;
		}

		long length() {
			return this.length;
		}

		int documentFrequency(LeafReader segment, BytesRef term) throws IOException {
			Integer known = this.documentFrequencies.get(term);
			if (known != null) {
				return known;
			}
			int count = 0;
			Terms terms = segment.terms(TERMS);
			TermsEnum iterator = (terms != null) ? terms.iterator() : null;
			if (iterator != null && iterator.seekExact(term)) {
				Bits live = segment.getLiveDocs();
				PostingsEnum postings = iterator.postings(null, PostingsEnum.NONE);
				for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = postings.nextDoc()) {
					if (live == null || live.get(doc)) {
						count++;
					}
				}
			}
			this.documentFrequencies.put(BytesRef.deepCopyOf(term), count);
			return count;
		}

	}

	/** How far each collection's index is: for the collection API and the console. */
	Status status(Collection collection) {
		if (!this.settings.enabled()) {
			return new Status("disabled", null, null, null);
		}
		CollectionIndex index = this.indexes.get(collection.id());
		if (index == null || !index.ready()) {
			return new Status("building", null, null, null);
		}
		return new Status("ready", index.lagSeconds(), index.chunks(), index.sizeBytes());
	}

	/**
	 * @param state {@code ready}, {@code building} (searches run in SQL meanwhile) or {@code disabled}
	 * @param lagSeconds how long ago the last complete catch-up started: the index holds every change committed
	 * before then
	 * @param chunks the chunks it holds
	 * @param sizeBytes its files on disk
	 */
	record Status(String state, Double lagSeconds, Long chunks, Long sizeBytes) {
	}

	/** The index of one collection. */
	private final class CollectionIndex {

		final long id;

		final String name;

		final String partition;

		final String identity;

		final Path path;

		final Directory directory;

		final IndexWriter writer;

		final ReaderManager readers;

		final ReentrantLock lock = new ReentrantLock();

		/** Documents applied at or above the watermark, with the newest transaction id applied. */
		final Map<String, Long> applied = new HashMap<>();

		final List<Meter> gauges = new ArrayList<>();

		volatile long watermark = -1;

		volatile long caughtUpAt;

		/** {@link System#nanoTime()} when the last catch-up started. */
		long lastStarted = System.nanoTime() - Long.MAX_VALUE / 2;

		long committedAt = System.nanoTime();

		CollectionIndex(Collection collection) throws IOException {
			this.id = collection.id();
			this.name = collection.name();
			this.partition = collection.partition();
			this.identity = collection.name() + "@" + collection.createdAt().toInstant();
			this.path = LexicalIndex.this.root.resolve(Long.toString(this.id));
			this.directory = FSDirectory.open(this.path);
			long watermark = -1;
			if (DirectoryReader.indexExists(this.directory)) {
				List<IndexCommit> commits = DirectoryReader.listCommits(this.directory);
				Map<String, String> data = commits.get(commits.size() - 1).getUserData();
				if (this.identity.equals(data.get(IDENTITY)) && data.containsKey(WATERMARK)) {
					watermark = Long.parseLong(data.get(WATERMARK));
				}
			}
			TieredMergePolicy merges = new TieredMergePolicy();
			// deleted chunks cost a live df count per term in their segment: merge them away sooner
			merges.setDeletesPctAllowed(10);
			IndexWriterConfig config = new IndexWriterConfig()
				.setSimilarity(ExactBm25.forIndexing())
				.setMergePolicy(merges)
				.setRAMBufferSizeMB(64)
				.setOpenMode((watermark >= 0) ? IndexWriterConfig.OpenMode.CREATE_OR_APPEND
						: IndexWriterConfig.OpenMode.CREATE);
			this.writer = new IndexWriter(this.directory, config);
			this.readers = new ReaderManager(this.writer, true, true);
			this.watermark = watermark;
			this.caughtUpAt = System.currentTimeMillis();
			this.gauges.add(Gauge.builder("rag.retrieval.lexical.lag", this, CollectionIndex::lagOrNaN)
				.description("Seconds since the last complete catch-up of the lexical index with PostgreSQL started")
				.baseUnit("seconds")
				.tag("collection", this.name)
				.register(LexicalIndex.this.meters));
			this.gauges.add(Gauge.builder("rag.retrieval.lexical.chunks", this, (i) -> i.ready() ? i.chunks() : Double.NaN)
				.description("Chunks in this replica's lexical index")
				.tag("collection", this.name)
				.register(LexicalIndex.this.meters));
			if (watermark >= 0) {
				logger.info("Lexical index of '{}' opened at transaction {}; catching up", this.name, watermark);
			}
		}

		boolean ready() {
			return this.watermark >= 0;
		}

		double lagOrNaN() {
			return ready() ? lagSeconds() : Double.NaN;
		}

		double lagSeconds() {
			return Math.max(0, System.currentTimeMillis() - this.caughtUpAt) / 1000.0;
		}

		long chunks() {
			try {
				DirectoryReader reader = this.readers.acquire();
				try {
					return reader.numDocs();
				}
				finally {
					this.readers.release(reader);
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		long sizeBytes() {
			try (var files = Files.list(this.path)) {
				return files.mapToLong((f) -> f.toFile().length()).sum();
			}
			catch (IOException ex) {
				return 0;
			}
		}

		/** Builds the index, or applies what changed since the watermark. */
		void catchUp(boolean forSearch) {
			catchUp(forSearch, null);
		}

		/** @return false when {@code wait} passed before the index was free to catch up */
		boolean catchUp(boolean forSearch, Duration wait) {
			long asked = System.nanoTime();
			try {
				if (wait == null) {
					this.lock.lock();
				}
				else if (!this.lock.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) {
					return false;
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
			try {
				if (forSearch && this.lastStarted - asked >= 0) {
					// a catch-up that started after this search asked has ended: it saw every write the search must see
					return true;
				}
				this.lastStarted = System.nanoTime();
				long started = System.currentTimeMillis();
				boolean changed = ready() ? sync() : build();
				if (changed) {
					this.readers.maybeRefreshBlocking();
				}
				this.caughtUpAt = started;
				if (!forSearch && !LexicalIndex.this.temporary
						&& System.nanoTime() - this.committedAt > LexicalIndex.this.settings.commitInterval().toNanos()) {
					this.writer.setLiveCommitData(Map.of(WATERMARK, Long.toString(this.watermark), IDENTITY,
							this.identity).entrySet());
					this.writer.commit();
					this.committedAt = System.nanoTime();
				}
				return true;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			finally {
				this.lock.unlock();
			}
		}

		private boolean build() {
			long started = System.nanoTime();
			long[] added = new long[1];
			Long xmin = LexicalIndex.this.snapshots.execute((tx) -> {
				long snapshot = snapshotXmin();
				try {
					this.writer.deleteAll();
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
				LexicalIndex.this.jdbc.query(ROWS.formatted(this.partition), (rs) -> {
					add(rs);
					added[0]++;
				}, this.id);
				return snapshot;
			});
			this.applied.clear();
			this.watermark = Objects.requireNonNull(xmin);
			logger.info("Lexical index of '{}' built: {} chunks in {} ms", this.name, added[0],
					(System.nanoTime() - started) / 1_000_000);
			return true;
		}

		private boolean sync() {
			Boolean changed = LexicalIndex.this.snapshots.execute((tx) -> {
				long snapshot = snapshotXmin();
				Map<String, Long> documents = new HashMap<>();
				String since = Long.toString(this.watermark);
				LexicalIndex.this.follow.query("SELECT document_id, max(lexical_xid::text::bigint) FROM " + this.partition
						+ " WHERE collection_id = ? AND lexical_xid >= ?::text::xid8 GROUP BY document_id",
						(rs) -> {
							documents.merge(rs.getString(1), rs.getLong(2), Math::max);
						}, this.id, since);
				LexicalIndex.this.follow.query("SELECT document_id, max(xid::text::bigint) FROM retrieval.lexical_removals "
						+ "WHERE collection_id = ? AND xid >= ?::text::xid8 GROUP BY document_id", (rs) -> {
							documents.merge(rs.getString(1), rs.getLong(2), Math::max);
						}, this.id, since);
				documents.entrySet().removeIf((e) -> e.getValue().equals(this.applied.get(e.getKey())));
				List<String> ids = List.copyOf(documents.keySet());
				for (int from = 0; from < ids.size(); from += 1000) {
					List<String> batch = ids.subList(from, Math.min(ids.size(), from + 1000));
					try {
						for (String document : batch) {
							this.writer.deleteDocuments(new Term(DOCUMENT, document));
						}
					}
					catch (IOException ex) {
						throw new UncheckedIOException(ex);
					}
					LexicalIndex.this.follow.query(ROWS.formatted(this.partition) + " AND c.document_id = ANY (?)",
							this::add, this.id, batch.toArray(String[]::new));
				}
				this.applied.putAll(documents);
				this.applied.values().removeIf((xid) -> xid < snapshot);
				this.watermark = snapshot;
				return !documents.isEmpty();
			});
			return Boolean.TRUE.equals(changed);
		}

		private long snapshotXmin() {
			Long xmin = LexicalIndex.this.jdbc
				.queryForObject("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint", Long.class);
			return Objects.requireNonNull(xmin);
		}

		private void add(ResultSet rs) throws SQLException {
			String document = rs.getString(1);
			BytesRef key = new BytesRef(key(document, rs.getInt(2)));
			Document chunk = new Document();
			chunk.add(new StringField(DOCUMENT, document, Field.Store.NO));
			chunk.add(new StringField(KEY, key, Field.Store.NO));
			chunk.add(new SortedDocValuesField(KEY, key));
			chunk.add(new NumericDocValuesField(LENGTH, rs.getLong(3)));
			Array lexemes = rs.getArray(4);
			if (lexemes != null) {
				chunk.add(new Field(TERMS, new Lexemes((String[]) lexemes.getArray(), (Integer[]) rs.getArray(5).getArray()),
						TERMS_TYPE));
			}
			try {
				this.writer.addDocument(chunk);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		void drop() {
			logger.info("Collection '{}' is gone: dropping its lexical index", this.name);
			close(false);
			try {
				IOUtils.rm(this.path);
			}
			catch (IOException ex) {
				logger.warn("Could not delete {}: {}", this.path, ex.toString());
			}
		}

		void close(boolean commit) {
			this.lock.lock();
			try {
				this.gauges.forEach(LexicalIndex.this.meters::remove);
				if (commit && ready()) {
					this.writer.setLiveCommitData(Map.of(WATERMARK, Long.toString(this.watermark), IDENTITY,
							this.identity).entrySet());
					this.writer.commit();
				}
				IOUtils.close(this.readers, this.writer, this.directory);
			}
			catch (IOException | RuntimeException ex) {
				// closed anyway, so that its write lock is released and the index can be opened again
				logger.warn("Closing the lexical index of '{}' failed: {}", this.name, ex.toString());
				IOUtils.closeWhileHandlingException(this.readers, this.writer, this.directory);
			}
			finally {
				this.lock.unlock();
			}
		}

	}

	/** A chunk's lexemes, each repeated as often as it occurs: the norm then counts the chunk's tokens. */
	private static final class Lexemes extends TokenStream {

		private final CharTermAttribute term = addAttribute(CharTermAttribute.class);

		private final String[] lexemes;

		private final Integer[] counts;

		private int next;

		private int left;

		Lexemes(String[] lexemes, Integer[] counts) {
			this.lexemes = lexemes;
			this.counts = counts;
		}

		@Override
		public boolean incrementToken() {
			while (this.left == 0) {
				if (this.next >= this.lexemes.length) {
					return false;
				}
				this.left = this.counts[this.next++];
			}
			clearAttributes();
			this.term.setEmpty().append(this.lexemes[this.next - 1]);
			this.left--;
			return true;
		}

		@Override
		public void reset() throws IOException {
			super.reset();
			this.next = 0;
			this.left = 0;
		}

	}

}
