package dev.ragplatform.runtime.problem;

import dev.ragplatform.contracts.problem.ProblemTypes;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceProblemTests {

	@Test
	void aFullQueueIs429WithWhenToComeBack() {
		ServiceProblem problem = ServiceProblem.overloaded("The queue is full; retry in 3 s.", 3);
		assertThat(problem.getStatusCode().value()).isEqualTo(429);
		assertThat(problem.getBody().getType()).isEqualTo(ProblemTypes.OVERLOADED);
		assertThat(problem.getBody().getTitle()).isEqualTo("Overloaded");
		assertThat(problem.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("3");
		assertThat(problem.getBody().getProperties()).containsEntry("retryAfterSeconds", 3L);
		assertThat(problem.outcome()).isEqualTo("overloaded");
	}

	@Test
	void aMissedDeadlineIs503CountedAsTimeoutNotAsUnavailable() {
		ServiceProblem problem = ServiceProblem.deadlineExceeded("Not done within 100 ms.");
		assertThat(problem.getStatusCode().value()).isEqualTo(503);
		assertThat(problem.getBody().getTitle()).isEqualTo("Deadline exceeded");
		assertThat(problem.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
		assertThat(problem.outcome()).isEqualTo("timeout");
		assertThat(ServiceProblem.dependencyUnavailable("down").outcome()).isEqualTo("unavailable");
	}

}
