/**
 * What Lethe's function bundles hold in place of the AWS SDK's
 * `@smithy/core/event-streams` (lib/bundling.ts aliases it here). Every
 * client's protocol loads event-stream support by a dynamic import that a
 * single-file bundle inlines (≈ 15 KB in every function), and the S3
 * client sets up a marshaller for it; but event streams serve only
 * operations such as S3 SelectObjectContent, and no Lethe function calls
 * one. So the clients get the same names, and anything that would really
 * read or write an event stream fails at once, saying why. A client that
 * imports a name missing here fails the build, not the function.
 */
const absent = (): never => {
  throw new Error(
    "Lethe's function bundles leave out AWS SDK event streams (lib/event-streams-stub.ts): no Lethe function calls an event-stream operation",
  );
};

const marshaller = { serialize: absent, deserialize: absent };

/** As the SDK's: a client's config gains the marshaller its provider makes. */
export const resolveEventStreamSerdeConfig = <T extends { eventStreamSerdeProvider: (input: T) => unknown }>(
  input: T,
) => Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });

export const eventStreamSerdeProvider = () => marshaller;

export class EventStreamSerde {
  constructor() {
    absent();
  }
}
