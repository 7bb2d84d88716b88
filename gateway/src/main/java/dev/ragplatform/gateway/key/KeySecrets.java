package dev.ragplatform.gateway.key;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * API key secrets: {@code rag_} and 43 base64url characters (256 random bits from {@link SecureRandom}). Only their
 * SHA-256 is stored; with that much entropy a slow password hash would add latency and no safety.
 */
final class KeySecrets {

	static final String PREFIX = "rag_";

	/** The shortest key accepted (the bootstrap key may be chosen by an operator: at least 32 after the prefix). */
	static final int MIN_LENGTH = PREFIX.length() + 32;

	static final int MAX_LENGTH = 200;

	private static final SecureRandom RANDOM = new SecureRandom();

	private KeySecrets() {
	}

	static String generate() {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	/** Whether the text can be a key at all (checked before any lookup). */
	static boolean isWellFormed(String key) {
		if (key == null || !key.startsWith(PREFIX) || key.length() < MIN_LENGTH || key.length() > MAX_LENGTH) {
			return false;
		}
		for (int i = PREFIX.length(); i < key.length(); i++) {
			char c = key.charAt(i);
			if (!(Character.isLetterOrDigit(c) && c < 128) && c != '-' && c != '_') {
				return false;
			}
		}
		return true;
	}

	static byte[] hash(String key) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** What lists show of a key. */
	static String displayPrefix(String key) {
		return key.substring(0, PREFIX.length() + 8);
	}

}
