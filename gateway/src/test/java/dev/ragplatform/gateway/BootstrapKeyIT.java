package dev.ragplatform.gateway;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.ragplatform.testsupport.PostgresDatabase;
import dev.ragplatform.testsupport.RealPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The first start on an empty database generates an admin key and logs it once (the line {@code ./rag up} prints);
 * later starts do not; the logged key manages keys. A configured bootstrap key that cannot be a key stops start-up.
 */
@RealPostgres
@ExtendWith(OutputCaptureExtension.class)
class BootstrapKeyIT {

	private static final Pattern LOGGED = Pattern.compile("Bootstrap admin API key .*: (rag_[A-Za-z0-9_-]+)");

	@Test
	void generatedOnceLoggedOnceAndWorks(PostgresDatabase db, CapturedOutput output) {
		String key;
		try (ConfigurableApplicationContext first = start(db)) {
			Matcher matcher = LOGGED.matcher(output.getOut());
			assertThat(matcher.find()).as("the key is logged").isTrue();
			key = matcher.group(1);
			Http http = new Http(((WebServerApplicationContext) first).getWebServer().getPort());
			Http.Response keys = http.get("/api/v1/admin/keys", key);
			assertThat(keys.status()).isEqualTo(200);
			assertThat(keys.json()).hasSize(1);
			assertThat(keys.json().get(0).path("scopes").toString()).isEqualTo("[\"read\",\"write\",\"admin\"]");
		}
		int before = output.getOut().length();
		try (ConfigurableApplicationContext second = start(db)) {
			assertThat(output.getOut().substring(before)).doesNotContain("Bootstrap admin API key").doesNotContain(key);
		}
	}

	@Test
	void aConfiguredKeyThatCannotBeAKeyStopsStartUp(PostgresDatabase db) {
		assertThatThrownBy(() -> start(db, "--rag.gateway.bootstrap-key=secret").close())
			.hasStackTraceContaining("rag.gateway.bootstrap-key must look like rag_");
	}

	private static ConfigurableApplicationContext start(PostgresDatabase db, String... more) {
		List<String> args = new java.util.ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
				"--spring.datasource.url=" + db.jdbcUrl(), "--spring.datasource.username=" + db.username(),
				"--spring.datasource.password=" + db.password()));
		args.addAll(List.of(more));
		return new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new));
	}

}
