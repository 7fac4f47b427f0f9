package jcri.daemon;

import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Builds one gRPC service out of several handler families. Each family implements the generated
 * {@code AsyncService} interface but overrides only its own RPCs; an RPC no family overrides keeps
 * the generated default, which answers with gRPC's "unimplemented" status naming the method.
 */
final class ServiceComposer {
    private ServiceComposer() {
    }

    /**
     * @param descriptor the service
     * @param api the generated {@code AsyncService} interface
     * @param bind the generated {@code bindService} for one implementation
     * @param families the handler families
     */
    static <S> ServerServiceDefinition compose(ServiceDescriptor descriptor, Class<S> api,
            Function<S, ServerServiceDefinition> bind, List<? extends S> families) {
        var rpcNames = Arrays.stream(api.getMethods()).map(Method::getName).collect(Collectors.toSet());
        Map<String, S> owners = new HashMap<>();
        for (S family : families) {
            for (String javaName : overridden(family.getClass(), rpcNames)) {
                var previous = owners.put(javaName, family);
                if (previous != null) {
                    throw new IllegalStateException("RPC " + javaName + " is handled by both "
                            + previous.getClass().getSimpleName() + " and " + family.getClass().getSimpleName());
                }
            }
        }
        var builder = ServerServiceDefinition.builder(descriptor);
        var unimplemented = bind.apply(api.cast(Proxy.newProxyInstance(
                api.getClassLoader(), new Class<?>[] {api}, (proxy, method, args) ->
                        InvocationHandler.invokeDefault(proxy, method, args))));
        Map<S, ServerServiceDefinition> bound = new HashMap<>();
        for (var method : descriptor.getMethods()) {
            var owner = owners.get(javaName(method.getBareMethodName()));
            ServerServiceDefinition source = owner == null ? unimplemented : bound.computeIfAbsent(owner, bind);
            builder.addMethod((ServerMethodDefinition<?, ?>) source.getMethod(method.getFullMethodName()));
        }
        return builder.build();
    }

    private static Set<String> overridden(Class<?> type, Set<String> rpcNames) {
        return Arrays.stream(type.getDeclaredMethods())
                .map(Method::getName)
                .filter(rpcNames::contains)
                .collect(Collectors.toSet());
    }

    private static String javaName(String rpc) {
        return Character.toLowerCase(rpc.charAt(0)) + rpc.substring(1);
    }
}
