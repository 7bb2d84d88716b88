package dev.ragplatform.llm;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class LlmAdapterApplication {

	public static void main(String[] args) {
		SpringApplication.run(LlmAdapterApplication.class, args);
	}

}
