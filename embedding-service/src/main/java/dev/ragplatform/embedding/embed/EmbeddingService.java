package dev.ragplatform.embedding.embed;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.ragplatform.embedding.config.EmbeddingProperties;
import dev.ragplatform.embedding.model.EmbeddingModels.LoadedModel;
import dev.ragplatform.embedding.model.Embedded;
import dev.ragplatform.embedding.model.EmbeddingModels;
import dev.ragplatform.embedding.model.InputTooLongException;
import dev.ragplatform.embedding.model.InputType;
import dev.ragplatform.embedding.model.ModelDescriptor;
import dev.ragplatform.embedding.model.Sequence;
import dev.ragplatform.embedding.model.TaskInstruction;
import dev.ragplatform.embedding.model.UnknownModelException;
import dev.ragplatform.embedding.model.Vectors;
import dev.ragplatform.runtime.batching.DeadlineExceededException;
import dev.ragplatform.runtime.batching.QueueFullException;
import dev.ragplatform.runtime.batching.TokenBudgetBatcher;
import dev.ragplatform.runtime.lateinteraction.TokenEncoding;
import dev.ragplatform.runtime.metrics.RequestMeter;
import dev.ragplatform.runtime.problem.ServiceProblem;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Service;

/**
 * Turns a request into vectors: checks it, prepends the instruction of its task and side, tokenises with the
 * model's tokenizer, queues the inputs for dynamic batching and waits for them within the request deadline.
 */
@Service
class EmbeddingService {

	private final EmbeddingModels models;

	private final EmbeddingProperties properties;

	private final RequestMeter requests;

	private final Timer tokenizeTime;

	EmbeddingService(EmbeddingModels models, EmbeddingProperties properties, MeterRegistry meters) {
		this.models = models;
		this.properties = properties;
		this.requests = new RequestMeter(meters, "rag.embedding.requests");
		this.tokenizeTime = Timer.builder("rag.embedding.tokenize.time").description("Time to tokenise a request")
			.register(meters);
	}

	Embeddings embed(EmbedCommand command, String api) {
		return this.requests.count(api, () -> doEmbed(command));
	}

	private Embeddings doEmbed(EmbedCommand command) {
		LoadedModel model = model(command.model());
		if (side(command) == InputType.QUERY) {
			model = this.models.forQueries(model);
		}
		ModelDescriptor descriptor = model.descriptor();
		checkInputs(command.inputs());
		String instruction = instruction(descriptor, command);
		int dimensions = dimensions(descriptor, command.dimensions());

		List<String> texts = new ArrayList<>(command.inputs().size());
		for (String input : command.inputs()) {
			texts.add(instruction.isEmpty() ? input : instruction + input);
		}
		TokenEncoding tokenEncoding = command.tokenVectors();
		if (tokenEncoding != null && !model.encoder().hasTokenVectors()) {
			throw ServiceProblem.badRequest(descriptor.name() + " returns pooled vectors only: it has no token "
					+ "vectors (token_vectors)");
		}
		List<Sequence> sequences;
		Timer.Sample sample = Timer.start();
		try {
			sequences = model.tokenizer().encode(texts, command.truncate(),
					(tokenEncoding != null) ? instruction.length() : -1);
		}
		catch (InputTooLongException ex) {
			throw ServiceProblem.tooLarge("Input too large", ex.getMessage());
		}
		finally {
			sample.stop(this.tokenizeTime);
		}
		int tokens = 0;
		for (Sequence sequence : sequences) {
			tokens += sequence.ids().length;
		}

		List<Embedded> embedded = await(model, sequences, side(command) == InputType.QUERY);
		boolean normalize = descriptor.normalize() && command.normalize();
		List<float[]> out = new ArrayList<>(embedded.size());
		List<byte[]> tokenVectors = (tokenEncoding != null) ? new ArrayList<>(embedded.size()) : null;
		for (Embedded one : embedded) { // each input's own arrays, fresh from the encoder
			float[] vector = one.vector();
			if (normalize) {
				Vectors.normalize(vector);
			}
			out.add(Vectors.truncate(vector, dimensions, normalize));
			if (tokenVectors != null) {
				tokenVectors.add(tokenEncoding.encode(one.tokens()));
			}
		}
		return new Embeddings(descriptor.name(), out, tokens, tokenVectors);
	}

	/** Queries are urgent: a user waits for them, so they go ahead of queued documents (bulk indexing). */
	private List<Embedded> await(LoadedModel model, List<Sequence> ids, boolean urgent) {
		long timeout = this.properties.batching().requestTimeout().toNanos();
		long deadline = System.nanoTime() + timeout;
		try {
			return TokenBudgetBatcher.await(model.batcher().submit(ids, deadline, urgent), deadline);
		}
		catch (QueueFullException ex) {
			throw ServiceProblem.overloaded(
					"The embedding queue is full; retry in " + ex.retryAfterSeconds() + " s.", ex.retryAfterSeconds());
		}
		catch (DeadlineExceededException ex) {
			throw ServiceProblem.deadlineExceeded("The inputs were not embedded within "
					+ TimeUnit.NANOSECONDS.toMillis(timeout)
					+ " ms and were dropped; retry later or send fewer inputs per request.");
		}
	}

	LoadedModel model(String name) {
		try {
			return this.models.get(name);
		}
		catch (UnknownModelException ex) {
			throw ServiceProblem.badRequest(ex.getMessage());
		}
	}

	private void checkInputs(List<String> inputs) {
		if (inputs == null || inputs.isEmpty()) {
			throw ServiceProblem.unprocessable("Empty input", "input must not be empty");
		}
		EmbeddingProperties.Limits limits = this.properties.limits();
		if (inputs.size() > limits.maxInputs()) {
			throw ServiceProblem.tooLarge("Input too large", 
					inputs.size() + " inputs in one request; at most " + limits.maxInputs() + " are allowed");
		}
		for (int i = 0; i < inputs.size(); i++) {
			String input = inputs.get(i);
			if (input == null || input.isBlank()) {
				throw ServiceProblem.unprocessable("Empty input", "input " + i + " is empty");
			}
			if (input.length() > limits.maxInputChars()) {
				throw ServiceProblem.tooLarge("Input too large", "input " + i + " has " + input.length() + " characters; at most "
						+ limits.maxInputChars() + " are allowed");
			}
		}
	}

	/** The text prepended to every input: a free-form instruction, a task's, or the model's native one. */
	static String instruction(ModelDescriptor descriptor, EmbedCommand command) {
		InputType side = side(command);
		if (command.instruction() != null) {
			if (command.task() != null) {
				throw ServiceProblem.badRequest("give either task or instruction, not both");
			}
			return command.instruction();
		}
		if (command.task() == null) {
			return descriptor.nativeInstruction().forSide(side);
		}
		TaskInstruction task = descriptor.tasks().get(command.task());
		if (task == null) {
			throw ServiceProblem.badRequest("unknown task '" + command.task() + "' for " + descriptor.name()
					+ "; valid tasks are " + String.join(", ", new java.util.TreeSet<>(descriptor.tasks().keySet()))
					+ " (or none, for the model's own instruction)");
		}
		return task.forSide(side);
	}

	private static InputType side(EmbedCommand command) {
		try {
			return (command.inputType() != null) ? InputType.parse(command.inputType()) : InputType.DOCUMENT;
		}
		catch (IllegalArgumentException ex) {
			throw ServiceProblem.badRequest(ex.getMessage());
		}
	}

	private static int dimensions(ModelDescriptor descriptor, Integer requested) {
		if (requested == null) {
			return descriptor.dimensions();
		}
		if (requested < 1 || requested > descriptor.dimensions()) {
			throw ServiceProblem.badRequest("dimensions must be between 1 and " + descriptor.dimensions() + " for "
					+ descriptor.name() + ", not " + requested);
		}
		return requested;
	}

	/**
	 * The vectors of one request, in input order, and how many tokens they took.
	 * @param tokenVectors each input's token vectors in the asked encoding; {@code null} when not asked
	 */
	record Embeddings(String model, List<float[]> vectors, int promptTokens, List<byte[]> tokenVectors) {
	}

}
