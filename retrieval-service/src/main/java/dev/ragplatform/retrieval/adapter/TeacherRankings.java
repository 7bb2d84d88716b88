package dev.ragplatform.retrieval.adapter;

import java.util.List;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.ragplatform.retrieval.collection.Collection;

import org.springframework.stereotype.Component;

/**
 * The teacher's rankings for distillation, cached: the teacher's answer depends only on the query and the
 * collection's contents, so jobs that try other training settings on the same queries reuse it while the collection
 * is unchanged.
 */
@Component
class TeacherRankings {

	private final Teacher teacher;

	private final Cache<List<Object>, List<Teacher.ChunkRef>> rankings = Caffeine.newBuilder()
		.maximumWeight(500_000) // chunk references, about 30 MB
		.<List<Object>, List<Teacher.ChunkRef>>weigher((k, v) -> v.size() + 1)
		.build();

	TeacherRankings(Teacher teacher) {
		this.teacher = teacher;
	}

	List<Teacher.ChunkRef> ranking(Collection collection, String query, String task, int depth, boolean rerank) {
		List<Object> key = List.of(collection.id(), collection.chunkCount(), collection.tokenCount(),
				String.valueOf(collection.updatedAt()), query, task, depth, rerank);
		return this.rankings.get(key, (k) -> this.teacher.ranking(collection.name(), query, task, depth, rerank));
	}

}
