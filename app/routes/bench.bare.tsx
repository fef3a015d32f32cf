// A bare Remix page (no loader, no brand): the baseline `npm run bench` divides storefront throughput by.
export default function Bare() {
  return <p>ok</p>;
}
