import Typography from '@material-ui/core/Typography';
import {
  ClientTlsEntry,
  clientTlsLineText,
  describeClientTls,
} from '@meshportal/plugin-istio-common';

/**
 * What clients send to a service, per DestinationRule or auto mTLS, with
 * the ports whose endpoints get something else.
 */
export function ClientTlsList(props: { entries: ClientTlsEntry[] }) {
  const lines = [
    ...new Set(
      props.entries.flatMap(entry =>
        describeClientTls(entry).map(clientTlsLineText),
      ),
    ),
  ];
  if (lines.length === 0) return null;
  return (
    <ul aria-label="What clients send">
      {lines.map(line => (
        <li key={line}>
          <Typography variant="body2">Clients send {line}</Typography>
        </li>
      ))}
    </ul>
  );
}
