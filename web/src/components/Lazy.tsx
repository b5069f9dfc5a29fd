// A page loaded the first time it is opened.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { RouteProps } from '../lib/router';
import { ErrorBox, Loading } from './ui';

export function lazy(load: () => Promise<ComponentType<RouteProps>>): ComponentType<RouteProps> {
  let loaded: ComponentType<RouteProps> | null = null;
  return function LazyPage(props: RouteProps) {
    const [component, setComponent] = useState<ComponentType<RouteProps> | null>(() => loaded);
    const [error, setError] = useState<unknown>(null);
    useEffect(() => {
      if (loaded) return;
      load().then((c) => {
        loaded = c;
        setComponent(() => c);
      }, setError);
    }, []);
    if (error) return <ErrorBox error={error} />;
    if (!component) return <Loading />;
    const Page = component;
    return <Page {...props} />;
  };
}
