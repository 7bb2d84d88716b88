package dev.ragplatform.embedding;

import dev.ragplatform.testsupport.ActuatorProbe;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Boots the service on a real port and probes it as Kubernetes and Prometheus would. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class EmbeddingServiceApplicationIT {

	@LocalServerPort
	int port;

	@Test
	void isLiveReadyAndExportsMetrics() {
		new ActuatorProbe(this.port).assertLiveReadyAndScraped("embedding-service");
	}

}
