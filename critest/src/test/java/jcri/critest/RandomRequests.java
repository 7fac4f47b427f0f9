package jcri.critest;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random CRI request messages built from the proto descriptors, from scratch or by mutating a valid request (one
 * to three fields anywhere in it changed or cleared): every field set or not, values drawn from pools
 * of edge cases (empty, huge, negative, path traversal, NUL, ids of live and missing objects). Fields that reach
 * outside the daemon draw only from safe pools: image references never name a host other than 127.0.0.1, host
 * paths only missing files, {@code /dev/null} or the test's own directory, log directories only the test's own.
 */
final class RandomRequests {
    private static final int MAX_DEPTH = 5;
    private static final List<String> TEXT = List.of("", "x", "../../x", "a\u0000b", "ü-ß", "-rf", "x".repeat(5000), " ");
    private static final List<Long> NUMBERS = List.of(0L, 1L, -1L, 2L, 4096L, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE,
            (long) Integer.MAX_VALUE, (long) Integer.MIN_VALUE);

    private final Random random;
    private final Map<String, List<String>> pools;

    /** {@code pools}: the strings to use for fields of these names (ids, images, paths), instead of free text. */
    RandomRequests(long seed, Map<String, List<String>> pools) {
        this.random = new Random(seed);
        this.pools = pools;
    }

    /** A random message of {@code type}, as wire bytes (parse it with the method's own marshaller). */
    ByteString next(Descriptor type) {
        return message(type, 0).toByteString();
    }

    /** {@code valid} with one to three fields, at any depth, set to random values or cleared. */
    ByteString mutate(Message valid) {
        try {
            var message = DynamicMessage.parseFrom(valid.getDescriptorForType(), valid.toByteString());
            for (int i = 1 + random.nextInt(3); i > 0; i--) {
                message = mutate(message, 0);
            }
            return message.toByteString();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private DynamicMessage mutate(DynamicMessage message, int depth) {
        var builder = message.toBuilder();
        var field = pick(message.getDescriptorForType().getFields());
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isMapField() && depth < MAX_DEPTH && random.nextBoolean()) {
            if (field.isRepeated() && message.getRepeatedFieldCount(field) > 0) {
                int i = random.nextInt(message.getRepeatedFieldCount(field));
                return builder.setRepeatedField(field, i, mutate((DynamicMessage) message.getRepeatedField(field, i), depth + 1)).build();
            }
            if (!field.isRepeated() && message.hasField(field)) {
                return builder.setField(field, mutate((DynamicMessage) message.getField(field), depth + 1)).build();
            }
        }
        if (random.nextInt(4) == 0) {
            builder.clearField(field);
        } else if (field.isMapField()) {
            builder.addRepeatedField(field, mapEntry(field, depth));
        } else if (field.isRepeated()) {
            builder.addRepeatedField(field, value(field, field.getName(), depth));
        } else {
            builder.setField(field, value(field, field.getName(), depth));
        }
        return builder.build();
    }

    private DynamicMessage message(Descriptor type, int depth) {
        var builder = DynamicMessage.newBuilder(type);
        for (var field : type.getFields()) {
            if (random.nextInt(10) >= 4 || field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && depth >= MAX_DEPTH) {
                continue;
            }
            if (field.isMapField()) {
                for (int i = random.nextInt(3); i > 0; i--) {
                    builder.addRepeatedField(field, mapEntry(field, depth));
                }
            } else if (field.isRepeated()) {
                for (int i = random.nextInt(3); i > 0; i--) {
                    builder.addRepeatedField(field, value(field, field.getName(), depth));
                }
            } else {
                builder.setField(field, value(field, field.getName(), depth));
            }
        }
        return builder.build();
    }

    private DynamicMessage mapEntry(FieldDescriptor map, int depth) {
        var entry = map.getMessageType();
        var key = entry.findFieldByName("key");
        var value = entry.findFieldByName("value");
        return DynamicMessage.newBuilder(entry)
                .setField(key, value(key, map.getName() + ".key", depth))
                .setField(value, value(value, map.getName(), depth))
                .build();
    }

    private Object value(FieldDescriptor field, String name, int depth) {
        return switch (field.getJavaType()) {
            case STRING -> text(name);
            case LONG -> pick(NUMBERS);
            case INT -> (int) (long) pick(NUMBERS);
            case DOUBLE -> (double) pick(NUMBERS);
            case FLOAT -> (float) (long) pick(NUMBERS);
            case BOOLEAN -> random.nextBoolean();
            case BYTE_STRING -> ByteString.copyFrom(text(name).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            case ENUM -> pick(field.getEnumType().getValues());
            case MESSAGE -> message(field.getMessageType(), depth + 1);
        };
    }

    private String text(String field) {
        var pool = pools.get(field);
        if (pool != null) {
            return pick(pool);
        }
        return pick(TEXT);
    }

    boolean oneIn(int n) {
        return random.nextInt(n) == 0;
    }

    private <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }
}
