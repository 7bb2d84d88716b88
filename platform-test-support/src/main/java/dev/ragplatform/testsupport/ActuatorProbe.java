package dev.ragplatform.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Calls a running service's actuator over real HTTP, the way Kubernetes probes and Prometheus do. */
public final class ActuatorProbe {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final URI base;

	public ActuatorProbe(int port) {
		this.base = URI.create("http://127.0.0.1:" + port);
	}

	/** Asserts liveness and readiness answer 200 UP, and Prometheus metrics carry the application tag. */
	public void assertLiveReadyAndScraped(String application) {
		for (String group : new String[] { "liveness", "readiness" }) {
			Response health = get("/actuator/health/" + group);
			assertThat(health.status()).as("%s: %s", group, health).isEqualTo(200);
			assertThat(health.body()).as(group).contains("\"status\":\"UP\"");
		}
		Response metrics = get("/actuator/prometheus");
		assertThat(metrics.status()).as("prometheus").isEqualTo(200);
		assertThat(metrics.body()).contains("jvm_memory_used_bytes").contains("application=\"" + application + "\"");
	}

	public Response get(String path) {
		try {
			HttpResponse<String> response = HTTP.send(
					HttpRequest.newBuilder(this.base.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build(),
					HttpResponse.BodyHandlers.ofString());
			return new Response(response.statusCode(), response.body());
		}
		catch (IOException ex) {
			throw new AssertionError("GET " + path + " failed: " + ex, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted", ex);
		}
	}

	/** Status and body of one HTTP response. */
	public record Response(int status, String body) {

		@Override
		public String toString() {
			return this.status + " " + this.body;
		}

	}

}
